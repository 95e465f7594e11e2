# The Linux ABI services (guest kernel, unprivileged part).
ABI_SRCS =

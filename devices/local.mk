# --- mica devices: in-process device models, linked into vmm/libmica.a ---
MICA_DEVICES_SOURCES = devices/console_ring.c devices/console_ring.h \
	devices/virtq_host.c devices/virtq_host.h \
	devices/virtiofs.h devices/virtiofs_int.h devices/virtiofs_node.c \
	devices/virtiofs_srv.c devices/virtiofs_write.c
MICA_DEVICES_SOURCES += devices/vhost_user.c devices/vhost_user.h

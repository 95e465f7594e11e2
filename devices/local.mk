# --- mica devices: in-process device models, linked into vmm/libmica.a ---
MICA_DEVICES_SOURCES = devices/console_ring.c devices/console_ring.h

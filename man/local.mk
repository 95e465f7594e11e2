dist_man_MANS += man/mica.1

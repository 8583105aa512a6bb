/*
 * pjproject compile-time configuration for the SIP gateway's pjsua2 build.
 * Copied to pjlib/include/pj/config_site.h by scripts/build_pjsua2.sh.
 * Its content is part of the build cache key: editing it forces a rebuild.
 *
 * Default pjproject builds allow 4 calls per process and a select() ioqueue
 * with 64 handles; a server needs far more than that.
 */
#ifndef PBX_COMPANION_PJ_CONFIG_SITE_H
#define PBX_COMPANION_PJ_CONFIG_SITE_H

#define PJ_HAS_IPV6                             1

/* ioqueue (epoll is selected with configure --enable-epoll) */
#define PJ_IOQUEUE_MAX_HANDLES                  16384
#define PJ_IOQUEUE_MAX_EVENTS_IN_SINGLE_POLL    64

/* SIP transactions and dialogs */
#define PJSIP_MAX_TSX_COUNT                     (16*1024-1)
#define PJSIP_MAX_DIALOG_COUNT                  (16*1024-1)

/* pjsua limits: 2048 call legs (1024 bridged calls). Every leg takes a
 * conference port and two RTP sockets in the one ioqueue (PJSIP_MAX_TRANSPORTS
 * defaults to PJ_IOQUEUE_MAX_HANDLES), so conference ports >= calls + players
 * + recorders + 1, and ioqueue handles >= 2 * calls + SIP transports. */
#define PJSUA_MAX_CALLS                         2048
#define PJSUA_MAX_PLAYERS                       1024
#define PJSUA_MAX_RECORDERS                     1024
#define PJSUA_MAX_CONF_PORTS                    8192

/* media: no sound device on a server, no video */
#define PJMEDIA_AUDIO_DEV_HAS_NULL_AUDIO        1
#define PJMEDIA_HAS_VIDEO                       0

#endif /* PBX_COMPANION_PJ_CONFIG_SITE_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reloading vmdemo from a test with other parameters, and loading it back
 * as the suite did.  Root only; the module file is VMDEMO_KO (default
 * /lib/modules/vmdemo.ko), loaded with finit_module().
 */
#ifndef _VMDEMO_MODLOAD_H
#define _VMDEMO_MODLOAD_H

/* The module file: VMDEMO_KO, or /lib/modules/vmdemo.ko. */
const char *vmdemo_ko(void);

/* The suite's parameters: VMDEMO_MODPARAMS, or "". */
const char *vmdemo_modparams(void);

/*
 * Unload vmdemo if it is loaded, waiting up to 5 s for descriptors that
 * are still closing: 0 or an errno (EBUSY if it stayed in use).
 */
int vmdemo_unload(void);

/* (Re)load vmdemo with @params: 0, or the errno of the unload or load. */
int vmdemo_reload(const char *params);

/* Reload vmdemo with the suite's parameters (VMDEMO_MODPARAMS). */
int vmdemo_restore(void);

#endif /* _VMDEMO_MODLOAD_H */

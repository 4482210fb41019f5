/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernel versions vmdemo builds against, kept in
 * one place so that the rest of the driver reads like mainline code.
 */
#ifndef _VMDEMO_COMPAT_H
#define _VMDEMO_COMPAT_H

#include <linux/build_bug.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/string.h>
#include <linux/uio.h>
#include <linux/version.h>

/* The FGP_* flags have their own sparse-checked type from 6.6 on. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
typedef fgf_t vmdemo_fgf_t;
#else
typedef int vmdemo_fgf_t;
#endif

/**
 * vmdemo_get_folio() - look up a folio in a page cache
 * @mapping: the address_space to search
 * @index: page index
 * @fgp: FGP_* flags, as for __filemap_get_folio()
 *
 * Until 6.3, __filemap_get_folio() returned NULL for a missing folio;
 * from 6.3 it returns ERR_PTR(-ENOENT).  Without FGP_CREAT both mean the
 * same, so fold them into NULL.
 *
 * Return: the folio with a reference held, or NULL.
 */
static inline struct folio *vmdemo_get_folio(struct address_space *mapping,
					     pgoff_t index, vmdemo_fgf_t fgp)
{
	struct folio *folio = __filemap_get_folio(mapping, index, fgp, 0);

	return IS_ERR_OR_NULL(folio) ? NULL : folio;
}

/**
 * vmdemo_copy_from_iter_atomic() - copy into a page cache page, no faults
 * @folio: destination folio (order 0 in vmdemo)
 * @offset: byte offset in @folio
 * @bytes: how many bytes
 * @from: source
 *
 * copy_page_from_iter_atomic() gave way to copy_folio_from_iter_atomic(),
 * which exists from 6.12 on (as a wrapper first, then as the export).
 *
 * Return: bytes copied; fewer if the source faulted.
 */
static inline size_t vmdemo_copy_from_iter_atomic(struct folio *folio,
						  size_t offset, size_t bytes,
						  struct iov_iter *from)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
	return copy_folio_from_iter_atomic(folio, offset, bytes, from);
#else
	return copy_page_from_iter_atomic(&folio->page, offset, bytes, from);
#endif
}

/*
 * struct vm_fault opens with a const block (vma, gfp_mask, pgoff,
 * address, ...) that a fault handler may not change, followed by the
 * fields the handlers update (flags, pmd, pte, ptl, prealloc_pte, ...).
 * vmdemo_map_pages() calls filemap_map_pages() once per page on a copy
 * whose address names that page, then copies the updated tail back, so
 * that a page table the core mm pre-allocated is consumed exactly once.
 */
#define VMDEMO_VMF_TAIL	offsetof(struct vm_fault, flags)

static_assert(offsetof(struct vm_fault, address) < VMDEMO_VMF_TAIL);
static_assert(offsetof(struct vm_fault, prealloc_pte) > VMDEMO_VMF_TAIL);

/**
 * vmdemo_vmf_clone_at() - copy a struct vm_fault for another address
 * @dst: the copy
 * @src: the fault being handled
 * @address: page-aligned user address the copy describes
 */
static inline void vmdemo_vmf_clone_at(struct vm_fault *dst,
				       const struct vm_fault *src,
				       unsigned long address)
{
	memcpy(dst, src, sizeof(*dst));
	/* The member is const to fault handlers, not to this private copy. */
	memcpy((void *)&dst->address, &address, sizeof(address));
}

/**
 * vmdemo_vmf_sync_back() - take over the fields a handler updated
 * @dst: the fault being handled
 * @src: the copy filemap_map_pages() worked on
 */
static inline void vmdemo_vmf_sync_back(struct vm_fault *dst,
					const struct vm_fault *src)
{
	memcpy((char *)dst + VMDEMO_VMF_TAIL, (const char *)src + VMDEMO_VMF_TAIL,
	       sizeof(*dst) - VMDEMO_VMF_TAIL);
}

#endif /* _VMDEMO_COMPAT_H */

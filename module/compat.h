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
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/string.h>
#include <linux/uio.h>

/*
 * What differs is detected by Kbuild from the headers of the kernel being
 * built against (see module/Kbuild), not guessed from version numbers:
 *
 *   VMDEMO_HAVE_COPY_FOLIO_FROM_ITER_ATOMIC
 *	copy_folio_from_iter_atomic() exists (6.12 on; copy_page_from_iter_
 *	atomic() is gone by 7.x).
 *   VMDEMO_HAVE_COPY_SPLICE_READ
 *	copy_splice_read() exists (6.5 on); before, generic_file_splice_read()
 *	did the same through ->read_iter.
 *   VMDEMO_HAVE_FILEMAP_ALLOC_FOLIO_POLICY
 *	filemap_alloc_folio() takes a NUMA memory policy (7.x).
 *   VMDEMO_HAVE_MM_GET_UNMAPPED_AREA_MM, VMDEMO_HAVE_MM_GET_UNMAPPED_AREA
 *	the default address-space allocator is mm_get_unmapped_area(mm, file,
 *	...) (6.10 on), then mm_get_unmapped_area(file, ...); before that it
 *	was the mm's get_unmapped_area method.
 */

/*
 * Until 6.3, __filemap_get_folio() returned NULL for a missing folio; from
 * 6.3 it returns ERR_PTR(-ENOENT).  Without FGP_CREAT both mean the same,
 * so fold them into NULL.  (The flags are passed straight through, so that
 * they keep the type the kernel gives them: int, or fgf_t from 6.6.)
 */
static inline struct folio *vmdemo_folio_or_null(struct folio *folio)
{
	return IS_ERR_OR_NULL(folio) ? NULL : folio;
}

/**
 * vmdemo_find_folio() - look up a folio in a page cache, lock-free
 * @mapping: the address_space to search
 * @index: page index
 *
 * Return: the folio with a reference held, or NULL.
 */
static inline struct folio *vmdemo_find_folio(struct address_space *mapping,
					      pgoff_t index)
{
	return vmdemo_folio_or_null(__filemap_get_folio(mapping, index, 0, 0));
}

/**
 * vmdemo_lock_folio() - look up a folio and lock it
 * @mapping: the address_space to search
 * @index: page index
 *
 * The lookup is lock-free; once the folio is locked, folio->mapping is
 * checked again, so a folio truncated meanwhile is never returned.
 *
 * Return: the folio, locked, with a reference held, or NULL.
 */
static inline struct folio *vmdemo_lock_folio(struct address_space *mapping,
					      pgoff_t index)
{
	return vmdemo_folio_or_null(__filemap_get_folio(mapping, index,
							FGP_LOCK, 0));
}

/**
 * vmdemo_alloc_folio() - allocate a page for the page cache
 * @gfp: allocation flags
 *
 * An order-0 filemap_alloc_folio(), which spreads page cache pages over
 * a cpuset's nodes when the cpuset asks for it; no memory policy of a
 * mapping applies (the kernel's own default where it takes one).
 *
 * Return: the folio, or NULL.
 */
static inline struct folio *vmdemo_alloc_folio(gfp_t gfp)
{
#ifdef VMDEMO_HAVE_FILEMAP_ALLOC_FOLIO_POLICY
	return filemap_alloc_folio(gfp, 0, NULL);
#else
	return filemap_alloc_folio(gfp, 0);
#endif
}

/*
 * splice(), sendfile() and copy_file_range()'s fallback read the device
 * through ->read_iter into the pipe's own pages: the device's pages are
 * never handed to a pipe, where a later write to them would show.
 */
#ifdef VMDEMO_HAVE_COPY_SPLICE_READ
#define vmdemo_splice_read	copy_splice_read
#else
#define vmdemo_splice_read	generic_file_splice_read
#endif

/**
 * vmdemo_trylock_folio() - look up a folio and lock it, without sleeping
 * @mapping: the address_space to search
 * @index: page index
 *
 * Return: the folio, locked, with a reference held; NULL if it is not
 * there or its lock is taken.
 */
static inline struct folio *vmdemo_trylock_folio(struct address_space *mapping,
						 pgoff_t index)
{
	return vmdemo_folio_or_null(__filemap_get_folio(mapping, index,
							FGP_LOCK | FGP_NOWAIT,
							0));
}

/*
 * A memory error in a page of the cache (memory_failure()).  Returning 0
 * keeps the page where it is: removing it would turn its bytes into a
 * hole that reads back as zeroes.  memory_failure() has marked it
 * poisoned and unmapped it; faults on it then raise SIGBUS (the core mm
 * checks), and read() and write() fail with EIO (store.c).
 *
 * This is what shmem does too, but memory_failure() expects only shmem
 * to keep such a page (it asks shmem_mapping() by name): for this cache
 * it sees the cache's reference as one too many and reports the recovery
 * as "Failed".  madvise(MADV_HWPOISON) then fails with EBUSY on 6.1, and
 * on later kernels the process that injected the error gets SIGBUS; a
 * real machine check logs the page as not recovered.  The page is kept
 * all the same.  The method changed from a page to a folio in 6.8.
 */
#ifdef VMDEMO_HAVE_ERROR_REMOVE_FOLIO
static inline int vmdemo_keep_poisoned(struct address_space *mapping,
				       struct folio *folio)
{
	return 0;
}

#define VMDEMO_AOPS_ERROR_REMOVE	.error_remove_folio = vmdemo_keep_poisoned
#else
static inline int vmdemo_keep_poisoned(struct address_space *mapping,
				       struct page *page)
{
	return 0;
}

#define VMDEMO_AOPS_ERROR_REMOVE	.error_remove_page = vmdemo_keep_poisoned
#endif

/**
 * vmdemo_copy_from_iter_atomic() - copy into a page cache page, no faults
 * @folio: destination folio (order 0 in vmdemo)
 * @offset: byte offset in @folio
 * @bytes: how many bytes
 * @from: source
 *
 * Return: bytes copied; fewer if the source faulted.
 */
static inline size_t vmdemo_copy_from_iter_atomic(struct folio *folio,
						  size_t offset, size_t bytes,
						  struct iov_iter *from)
{
#ifdef VMDEMO_HAVE_COPY_FOLIO_FROM_ITER_ATOMIC
	return copy_folio_from_iter_atomic(folio, offset, bytes, from);
#else
	return copy_page_from_iter_atomic(&folio->page, offset, bytes, from);
#endif
}

/**
 * vmdemo_default_unmapped_area() - the address the kernel would choose
 * @file: the file being mapped
 * @addr: hint, or the address for MAP_FIXED
 * @len: length of the mapping
 * @pgoff: offset in the file, in pages
 * @flags: MAP_* flags
 *
 * What get_unmapped_area() does for a file without a get_unmapped_area
 * method of its own.
 *
 * Return: the address, or a negative errno cast to unsigned long.
 */
static inline unsigned long
vmdemo_default_unmapped_area(struct file *file, unsigned long addr,
			     unsigned long len, unsigned long pgoff,
			     unsigned long flags)
{
#if defined(VMDEMO_HAVE_MM_GET_UNMAPPED_AREA)
	return mm_get_unmapped_area(file, addr, len, pgoff, flags);
#elif defined(VMDEMO_HAVE_MM_GET_UNMAPPED_AREA_MM)
	return mm_get_unmapped_area(current->mm, file, addr, len, pgoff, flags);
#else
	return current->mm->get_unmapped_area(file, addr, len, pgoff, flags);
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
static_assert(offsetof(struct vm_fault, real_address) < VMDEMO_VMF_TAIL);
static_assert(offsetof(struct vm_fault, pgoff) < VMDEMO_VMF_TAIL);
static_assert(offsetof(struct vm_fault, prealloc_pte) > VMDEMO_VMF_TAIL);

/**
 * vmdemo_vmf_clone_at() - copy a struct vm_fault for another page
 * @dst: the copy
 * @src: the fault being handled
 * @address: page-aligned user address the copy describes
 * @pgoff: the page's offset in the file
 *
 * The copy describes a fault at @address in every field that says where
 * the fault is, so that nothing in it contradicts itself.
 */
static inline void vmdemo_vmf_clone_at(struct vm_fault *dst,
				       const struct vm_fault *src,
				       unsigned long address, pgoff_t pgoff)
{
	memcpy(dst, src, sizeof(*dst));
	/* The members are const to fault handlers, not to this private copy. */
	memcpy((void *)&dst->address, &address, sizeof(address));
	memcpy((void *)&dst->real_address, &address, sizeof(address));
	memcpy((void *)&dst->pgoff, &pgoff, sizeof(pgoff));
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

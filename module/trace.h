/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Trace events of vmdemo, under events/vmdemo/ in tracefs: one per fault,
 * per fault-around call, per page_mkwrite, per page entering or leaving
 * the cache, and, with a backing file, per read, page written back and
 * page evicted.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM vmdemo

#if !defined(_VMDEMO_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _VMDEMO_TRACE_H

#include <linux/mm_types.h>
#include <linux/tracepoint.h>

TRACE_EVENT(vmdemo_fault,
	    TP_PROTO(pgoff_t pgoff, bool write, bool shared, vm_fault_t result),
	    TP_ARGS(pgoff, write, shared, result),
	    TP_STRUCT__entry(__field(unsigned long, pgoff)
			     __field(bool, write)
			     __field(bool, shared)
			     __field(unsigned int, result)),
	    TP_fast_assign(__entry->pgoff = pgoff;
			   __entry->write = write;
			   __entry->shared = shared;
			   __entry->result = (__force unsigned int)result;),
	    TP_printk("pgoff=%lu %s %s result=%s",
		      __entry->pgoff,
		      __entry->write ? "write" : "read",
		      __entry->shared ? "shared" : "private",
		      __print_flags(__entry->result, "|",
				    { (__force unsigned long)VM_FAULT_OOM, "OOM" },
				    { (__force unsigned long)VM_FAULT_SIGBUS, "SIGBUS" },
				    { (__force unsigned long)VM_FAULT_NOPAGE, "NOPAGE" },
				    { (__force unsigned long)VM_FAULT_LOCKED, "LOCKED" },
				    { (__force unsigned long)VM_FAULT_MAJOR, "MAJOR" }))
);

TRACE_EVENT(vmdemo_map_pages,
	    TP_PROTO(pgoff_t start, pgoff_t end, unsigned int mapped),
	    TP_ARGS(start, end, mapped),
	    TP_STRUCT__entry(__field(unsigned long, start)
			     __field(unsigned long, end)
			     __field(unsigned int, mapped)),
	    TP_fast_assign(__entry->start = start;
			   __entry->end = end;
			   __entry->mapped = mapped;),
	    TP_printk("pgoff=%lu-%lu mapped=%u",
		      __entry->start, __entry->end, __entry->mapped)
);

TRACE_EVENT(vmdemo_page_mkwrite,
	    TP_PROTO(pgoff_t pgoff, vm_fault_t result),
	    TP_ARGS(pgoff, result),
	    TP_STRUCT__entry(__field(unsigned long, pgoff)
			     __field(unsigned int, result)),
	    TP_fast_assign(__entry->pgoff = pgoff;
			   __entry->result = (__force unsigned int)result;),
	    TP_printk("pgoff=%lu result=%s", __entry->pgoff,
		      __print_flags(__entry->result, "|",
				    { (__force unsigned long)VM_FAULT_OOM, "OOM" },
				    { (__force unsigned long)VM_FAULT_SIGBUS, "SIGBUS" },
				    { (__force unsigned long)VM_FAULT_NOPAGE, "NOPAGE" },
				    { (__force unsigned long)VM_FAULT_LOCKED, "LOCKED" }))
);

DECLARE_EVENT_CLASS(vmdemo_page,
		    TP_PROTO(pgoff_t pgoff),
		    TP_ARGS(pgoff),
		    TP_STRUCT__entry(__field(unsigned long, pgoff)),
		    TP_fast_assign(__entry->pgoff = pgoff;),
		    TP_printk("pgoff=%lu", __entry->pgoff)
);

/* A zeroed page entered the cache. */
DEFINE_EVENT(vmdemo_page, vmdemo_page_alloc,
	     TP_PROTO(pgoff_t pgoff),
	     TP_ARGS(pgoff)
);

/* A page left the cache (shrink, punch, unload). */
DEFINE_EVENT(vmdemo_page, vmdemo_page_free,
	     TP_PROTO(pgoff_t pgoff),
	     TP_ARGS(pgoff)
);

/* A page was dropped from the cache by eviction (backing file only). */
DEFINE_EVENT(vmdemo_page, vmdemo_evict,
	     TP_PROTO(pgoff_t pgoff),
	     TP_ARGS(pgoff)
);

/* Pages read from the backing file: the one asked for, then readahead. */
TRACE_EVENT(vmdemo_read,
	    TP_PROTO(pgoff_t pgoff, unsigned int pages, unsigned int readahead,
		     int err),
	    TP_ARGS(pgoff, pages, readahead, err),
	    TP_STRUCT__entry(__field(unsigned long, pgoff)
			     __field(unsigned int, pages)
			     __field(unsigned int, readahead)
			     __field(int, err)),
	    TP_fast_assign(__entry->pgoff = pgoff;
			   __entry->pages = pages;
			   __entry->readahead = readahead;
			   __entry->err = err;),
	    TP_printk("pgoff=%lu pages=%u readahead_asked=%u err=%d",
		      __entry->pgoff, __entry->pages, __entry->readahead,
		      __entry->err)
);

/* A dirty page written back to the backing file (err 0) or not. */
TRACE_EVENT(vmdemo_writeback,
	    TP_PROTO(pgoff_t pgoff, int err),
	    TP_ARGS(pgoff, err),
	    TP_STRUCT__entry(__field(unsigned long, pgoff)
			     __field(int, err)),
	    TP_fast_assign(__entry->pgoff = pgoff;
			   __entry->err = err;),
	    TP_printk("pgoff=%lu err=%d", __entry->pgoff, __entry->err)
);

#endif /* _VMDEMO_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>

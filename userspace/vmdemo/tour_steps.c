// SPDX-License-Identifier: GPL-2.0
/*
 * What the tour says about each step.  The intro sets the scene; the
 * meaning is printed only after the step's program passed, and must say
 * nothing about the run that the program did not check.
 */
#include "vmdemo.h"

const struct tour_step tour_steps[] = {
{
	.name = "01-demand-paging",
	.title = "Demand paging",
	.fault_around = 4096,
	.intro =
"mmap() loads nothing.  It reserves a range of addresses and records\n"
"which file (here the device) is behind it.  The first access to each\n"
"page traps into the kernel: a page fault.  The kernel asks the driver\n"
"for the page (its .fault handler), enters it in the process's page\n"
"table and restarts the instruction.  Such a fault is \"minor\": no disk\n"
"I/O was needed.  On x86 the fault enters the kernel at exc_page_fault(),\n"
"and do_user_addr_fault() finds the mapping and checks the access (older\n"
"texts call this do_page_fault()).  handle_mm_fault() then hands a fault\n"
"on a file page the page table lacks to do_fault(), which calls\n"
"do_read_fault(), do_cow_fault() (a write to a private mapping) or\n"
"do_shared_fault() (a write to a shared one); older texts name this\n"
"do_linear_fault().  The program maps 64 pages, reads them one by one,\n"
"and watches the driver's counters and its own fault count (getrusage).",
	.path =
"  handle_mm_fault -> do_fault -> do_read_fault -> .fault (vmdemo_fault):\n"
"  faults_read.  No PTE yet, fault-around off, so every first touch\n"
"  takes this branch; the second reading finds the PTEs and never faults.",
	.meaning =
"Memory is mapped on demand: mmap() itself brought in no page, each page\n"
"cost one fault on its first access and none afterwards, because from\n"
"then on the page table held the translation.  The process's own count\n"
"of minor faults matched the driver's, one for one.  A page never\n"
"written was allocated zero-filled on its first read.  After munmap()\n"
"the pages were still in the device's page cache: unmapping removes\n"
"translations, not data.  The descriptor was closed before the first\n"
"read: a mapping holds its own reference to the open file, so it\n"
"outlives the descriptor it was made from.",
},
{
	.name = "02-fault-around",
	.title = "Fault-around",
	.fault_around = 4096,
	.note = "the program turns it on and off itself",
	.intro =
"Reading a file through a mapping page by page would cost one fault per\n"
"page.  To save most of them, on a read fault the kernel first asks the\n"
"driver (.map_pages) to map the pages of a window around the faulting\n"
"address that are already in the page cache; only if the faulting page\n"
"itself is not cached does it call .fault.  The window (do_fault_around()\n"
"in mm/memory.c) is fault_around_bytes long, 64 KiB or 16 pages by\n"
"default, and aligned to that size in virtual addresses: it is the\n"
"aligned block that holds the faulting address.  If that block begins\n"
"before the mapping, the window begins at the mapping's start instead,\n"
"still 16 pages long.  It never goes past the end of the mapping, nor of\n"
"the page table (one page of 512 entries: 2 MiB).  The program reads the\n"
"same 64 cached pages with fault-around off, then on (it switches\n"
"fault_around_bytes itself), then again after freeing half of them.",
	.path =
"  do_read_fault -> do_fault_around -> .map_pages (map_pages,\n"
"  map_pages_mapped): cached pages of the window are mapped without\n"
"  .fault; then .fault, unless that mapped the faulting page too.",
	.meaning =
"With fault-around on, a few page faults mapped all 64 pages and the\n"
"driver's .fault was not called at all: .map_pages found every page in\n"
"the cache.  How many faults it takes depends on where the mapping\n"
"starts, and the program predicted each one, page and size, from the\n"
"address mmap() returned.  The first fault maps 16 pages from the\n"
"mapping's start.  If that start is not aligned to 64 KiB, the next\n"
"fault lands inside an aligned block and maps only the rest of it, the\n"
"following ones whole blocks, and the last one the few pages left before\n"
"the end: 64 pages then take 5 faults, not 4.  Fault-around maps only\n"
"what is already cached: after the hole was punched, each of the 32\n"
"missing pages needed its own .fault, which allocated it, while\n"
"fault-around still mapped the 32 cached ones.  faults + map_pages_mapped\n"
"added up to the 64 pages read.  (The totals above are those of the\n"
"three readings together: 64 + 0 + 32 faults.)",
},
{
	.name = "03-shared-io",
	.title = "A shared mapping is file I/O",
	.fault_around = 4096,
	.intro =
"A MAP_SHARED mapping of a file and the read() and write() system calls\n"
"reach the same pages: those of the file's page cache, which the kernel\n"
"indexes by their offset in the file in an XArray (older texts describe\n"
"a radix tree, which the XArray replaced in Linux 4.20).  The program\n"
"stores through the mapping and reads with pread(), then writes with\n"
"pwrite() and loads through the mapping.",
	.path =
"  A store to an unmapped page: do_shared_fault -> .fault, then\n"
"  .page_mkwrite (faults_write_shared, page_mkwrite).  read() and write()\n"
"  take no fault: they copy to and from the same page cache.",
	.meaning =
"There is one copy of the data, in the page cache, and both ways of\n"
"access use it: a store through the mapping was visible to read() at\n"
"once, and write() changed what the mapping showed at once, without a\n"
"fault when the page was already mapped.  write() itself took no fault:\n"
"the kernel copied into the cached page, allocating it when needed.  The\n"
"first store to a page of a shared mapping costs a write fault and a\n"
"call to .page_mkwrite, which tells the driver (usually a file system)\n"
"that the page is about to become dirty.",
},
{
	.name = "04-shared-ipc",
	.title = "A shared mapping between two processes",
	.fault_around = 4096,
	.intro =
"Two processes that map the same file MAP_SHARED share its pages: what\n"
"one stores, the other loads, with no system call in between.  The\n"
"program maps one page of the device and writes a message into it.  It\n"
"then starts a second program with posix_spawn() -- a new program, which\n"
"inherits no mapping -- that opens and maps the device by itself, reads\n"
"the message and writes an answer.  A flag in the page says whose turn\n"
"it is.",
	.path =
"  Each process takes its own fault for the one page: a store,\n"
"  do_shared_fault (.fault and .page_mkwrite); a read, do_read_fault\n"
"  (.fault).  Both PTEs then point to the same page of the cache.",
	.meaning =
"Both processes mapped the same physical page (/proc/self/pagemap showed\n"
"the same page frame), so the message went from one address space to the\n"
"other without being copied: shared memory.  The device held one page for\n"
"the two mappings; each process took its own fault on it, and each one's\n"
"first write called .page_mkwrite.  Programs usually share memory the\n"
"same way through a tmpfs file (shm_open(), memfd_create()), and wait\n"
"for each other with futexes or semaphores rather than by polling.",
},
{
	.name = "05-private-cow",
	.title = "A private mapping: copy-on-write",
	.fault_around = 4096,
	.intro =
"MAP_PRIVATE gives the process a copy-on-write view of the file: its\n"
"writes go to private copies that the file never sees.  But the copy is\n"
"made page by page, at the first write to each page; until then the\n"
"mapping shows the file's own page.  The program maps three pages\n"
"privately and changes the device with pwrite() before and after its\n"
"own writes.",
	.path =
"  A store to an unmapped page: do_cow_fault -> .fault (faults_cow), then\n"
"  the core mm copies.  A store to a page mapped read-only: do_wp_page ->\n"
"  wp_page_copy, without the driver.",
	.meaning =
"A private mapping starts out on the page cache: a page the process has\n"
"not written shows the device's current data, changes made after mmap()\n"
"included (page 1, and page 2 before the write).  The first write to a\n"
"page gives the process its own copy, and from then on the device and\n"
"the copy are independent (page 0, and page 2 after the write).  A write\n"
"to a page not yet mapped asked the driver for the page and copied it\n"
"(faults_cow); a write to a page already mapped read-only was copied by\n"
"the kernel alone.  So what a private mapping shows depends on when each\n"
"page was first written: POSIX leaves unspecified whether changes to\n"
"the file after mmap() are visible in a MAP_PRIVATE mapping.",
},
{
	.name = "06-fork-cow",
	.title = "fork(): copy-on-write, and when a write does not copy",
	.fault_around = 4096,
	.intro =
"fork() gives the child a copy of the parent's address space, mapping\n"
"by mapping.  A MAP_SHARED mapping stays shared: parent and child use\n"
"the same pages.  The pages of a MAP_PRIVATE mapping are shared at\n"
"first too, but write-protected, and what a write does then depends on\n"
"the page.  The program maps two device pages privately, writes to\n"
"page 0 (which gives it a copy of its own), only reads page 1 (the\n"
"device's page), and forks.  The child changes page 1 of the device\n"
"with pwrite(), then writes to both pages; then the parent writes to\n"
"both.  The program shows which physical page frames each process maps\n"
"(/proc/self/pagemap) and counts the page faults of each write\n"
"(getrusage).",
	.path =
"  After fork() every private write is do_wp_page: wp_page_copy makes a\n"
"  copy, or the page is reused in place when nothing else holds it.  The\n"
"  driver is not called; only the shared page's do_shared_fault is.",
	.meaning =
"Right after fork() the child mapped the parent's frames, for both\n"
"private pages.  Writing to them faulted, in the child and in the\n"
"parent, though the parent had written to page 0 without a fault\n"
"before: fork() write-protects the private pages it shares.  The child,\n"
"writing first, got new frames.  But not every write after fork()\n"
"copies.  Once the child had its own copy of page 0, the parent's write\n"
"faulted and the kernel made the page writable where it was: same\n"
"frame, no copy.  That is the reuse path of do_wp_page() in mm/memory.c:\n"
"an anonymous page that nothing else holds is reused (the test is\n"
"inline in do_wp_page() in 6.1, in wp_can_reuse_anon_folio() in 6.12 and\n"
"later).  A reference from another CPU's batch of new pages would count\n"
"as something else, which is why the program keeps to one CPU.  Page 1,\n"
"never written, stayed the device's own page in both processes, so both\n"
"saw the child's pwrite().  A private write never takes such a page for\n"
"itself: do_wp_page() reuses only anonymous pages, and page 1 is in the\n"
"device's page cache.  So the parent's write copied it, although no\n"
"other process mapped it privately any more.  The driver saw none of\n"
"the four private writes after fork(): do_wp_page() copies and reuses\n"
"without it.  It saw the fork as one vma_open per mapping, and the\n"
"child's first write to the shared page, which faulted it in again:\n"
"fork() does not copy the page table entries of a shared file mapping,\n"
"since a fault can fill them again from the page cache.  (The totals\n"
"above add the parent's set-up, checked first, to what the fork and the\n"
"two processes did; with count_closes=1 they also hold the vma_closes\n"
"of both exits.)",
},
{
	.name = "07-anonymous",
	.title = "Anonymous memory compared with the device",
	.fault_around = 4096,
	.intro =
"Anonymous memory is memory with no file behind it: the heap, the\n"
"stacks, MAP_ANONYMOUS mappings.  (A process's code, its libraries and\n"
"the files it maps are file mappings.)  The program reads 16 pages of a\n"
"private anonymous mapping, of a shared anonymous mapping and of a\n"
"private mapping of the device, and compares who supplied the pages.\n"
"Then a child made by fork() writes to private and shared anonymous\n"
"pages, and the program checks what makes a mapping anonymous.",
	.path =
"  Anonymous mappings: do_anonymous_page, the zero page on a read and a\n"
"  new page on a write (shared anonymous memory is shmem's, whose .fault\n"
"  is shmem_fault).  The device: do_read_fault -> .fault.",
	.meaning =
"All three cost one minor fault per page and read as zeroes, but the\n"
"pages came from different places.  Reads of a private anonymous\n"
"mapping all map the kernel's one zero page; a page of its own is\n"
"allocated only on the first write.  A shared anonymous mapping must\n"
"stay shared with children after fork(), so the kernel keeps its pages\n"
"in a hidden tmpfs file, real zeroed pages.  Only the device mapping\n"
"reached the driver, which allocated and zeroed a page of its cache for\n"
"every page read.  After fork(), the child's writes to private\n"
"anonymous pages went to copies of its own, as writes to private file\n"
"pages do, and its write to the shared anonymous page reached the\n"
"parent: that is how related processes share memory without a file.\n"
"Unrelated ones cannot, having no name to map it by (a shared file\n"
"mapping or POSIX shared memory does that).  The MAP_ANONYMOUS flag is\n"
"what makes a mapping anonymous, not the descriptor: with the flag, the\n"
"device's descriptor was ignored (pass -1 all the same: some systems\n"
"require it), and without it descriptor 0 mapped the device like any\n"
"other.  Texts that call a mapping file-backed when fd > 0 are wrong on\n"
"both counts.",
},
{
	.name = "08-boundaries",
	.title = "The edges: partial page, SIGBUS, SIGSEGV",
	.fault_around = 4096,
	.intro =
"A mapping is made of whole pages, but a file's size need not be a\n"
"multiple of the page size.  The program makes the device 2 pages and\n"
"100 bytes long, maps 4 pages of it, and tries the three kinds of edge:\n"
"bytes after the end in the last page (it writes one there, grows the\n"
"device and reads it back, then does the same on a tmpfs file), a page\n"
"wholly past the end, and an address where nothing is mapped.",
	.path =
"  No VMA, or access_error(): SIGSEGV in do_user_addr_fault, before any\n"
"  driver.  A VMA but no byte of the device: .fault returns\n"
"  VM_FAULT_SIGBUS (faults_sigbus), and the process gets SIGBUS.",
	.meaning =
"The last page of a file is mapped whole: the bytes past the end read as\n"
"zero, and writing them is allowed, but they are not data of the file:\n"
"read() stops at the end.  On tmpfs they are not thrown away either:\n"
"they stay in the cached page, and when the file grew they became its\n"
"data; so on the device without a backing file.  With one, the device\n"
"behaves as a disk file does and zeroed them when it grew, since the\n"
"file has zeroes there.  mmap(2) says only that they are not written out\n"
"to the file, and leaves what growing shows unspecified; a disk file\n"
"system such as ext4 zeroes them when it writes the page back, so there\n"
"they may be gone by the time the file grows.  Don't write there.  A page\n"
"wholly past the end has nothing to map: the fault reached the driver,\n"
"which refused it, and the process got SIGBUS.  An address with no\n"
"mapping at all gets SIGSEGV without the driver being asked: the kernel\n"
"finds no mapping (VMA) there.  (A process's VMAs are kept in a maple\n"
"tree since Linux 6.1; older texts describe a red-black tree.)  munmap()\n"
"of the middle of a mapping split its VMA twice, each split making a new\n"
"VMA (vma_opens), and removed the middle piece, which may be one of the\n"
"new VMAs: two were left.  The driver sees the removal only through a\n"
".close (count_closes=1).",
},
{
	.name = "09-grow-shrink",
	.title = "Growing a file to append, shrinking it under a mapping",
	.fault_around = 4096,
	.intro =
"A mapping may be longer than its file, but only the pages that hold at\n"
"least one byte of the file can be used (step 8 showed what happens in\n"
"the rest of the last one).  To append through a mapping, a program\n"
"grows the file first (ftruncate(); for this device the\n"
"VMDEMO_IOC_SET_SIZE ioctl), then copies into the new bytes.  Shrinking\n"
"the file while it is mapped takes the pages away from everyone who maps\n"
"them.",
	.path =
"  Appending: do_shared_fault (.fault, .page_mkwrite).  Shrinking unmaps\n"
"  the pages past the end from every mapping; the next touch takes\n"
"  .fault again, which now returns VM_FAULT_SIGBUS.",
	.meaning =
"Before the device grew, even byte 0 was out of bounds (SIGBUS) although\n"
"the mapping existed: a mapping provides addresses, the file's size\n"
"decides which of them hold data.  After each growth the memcpy()\n"
"worked and read() saw the records.  Shrinking freed the pages past the\n"
"new end and unmapped them from every mapping, private copies included,\n"
"and zeroed the rest of the new last page; a later access past the end\n"
"gets SIGBUS.  A program that maps a file someone else may truncate\n"
"must be ready for SIGBUS.  (The totals above are the whole program's:\n"
"the sum of what it checked phase by phase -- the refused write, the one\n"
"fault of the appends, the fill's three faults and private copy, the\n"
"shrink, the two refused reads -- plus, with count_closes=1, the\n"
"vma_closes of its exit.)",
},
{
	.name = "10-msync-mprotect-madvise",
	.title = "msync(), mprotect(), madvise(MADV_DONTNEED)",
	.fault_around = 4096,
	.intro =
"Three calls act on a mapping after mmap().  msync() asks for the\n"
"modified pages of a shared mapping to be written to the file's storage.\n"
"mprotect() changes what the process may do with the pages.\n"
"madvise(MADV_DONTNEED) says the process no longer needs them, and the\n"
"kernel removes them from its page table.  The program tries each on a\n"
"shared and on a private mapping of one page.",
	.path =
"  After mprotect(PROT_READ) a store fails access_error(): SIGSEGV, the\n"
"  driver never runs.  MADV_DONTNEED clears PTEs, so the next access is\n"
"  do_read_fault -> .fault again.",
	.meaning =
"msync() is about storage, not visibility: read() saw the data before\n"
"any msync().  Without a backing file the device keeps its pages only in\n"
"memory and msync() had nothing to do; with one (module parameter\n"
"backing=), msync() wrote the page to the file: step 12 shows that in\n"
"detail.  mprotect() is enforced by the kernel from\n"
"the mapping's permissions before any driver is asked: the forbidden\n"
"write got SIGSEGV and the driver saw nothing.  MADV_DONTNEED depends on\n"
"the mapping: on a shared one it only dropped the page table entry (the\n"
"data stayed in the page cache and came back with the next fault); on a\n"
"private one it threw the private copy away and the mapping showed the\n"
"device's page again: the process's changes were lost.",
},
{
	.name = "11-mmap-calls",
	.title = "The rest of mmap(): flags, mremap(), overcommit",
	.fault_around = 4096,
	.intro =
"A round of the mmap() details the other steps left out.  The offset must\n"
"be a multiple of the page size, the length need not be, and the address\n"
"is a hint unless MAP_FIXED makes it an order.  A shared mapping may not\n"
"allow more than the descriptor was opened for.  /dev/zero gave zeroed\n"
"memory before MAP_ANONYMOUS existed.  mremap() resizes a mapping and may\n"
"move it.  remap_file_pages() showed a file's pages in any order within\n"
"one mapping; it is deprecated since Linux 3.16 and since 4.0 emulated\n"
"with ordinary mappings, so texts that describe \"nonlinear\" mappings are\n"
"out of date.  MAP_POPULATE and mlock() fault pages in ahead of use.\n"
"Last, overcommit: Linux charges each private writable\n"
"mapping to Committed_AS (/proc/meminfo), since every page of it may need\n"
"memory of its own.  In the default heuristic mode\n"
"(vm.overcommit_memory = 0) it refuses only a mapping larger than RAM and\n"
"swap together, mode 1 refuses nothing, and mode 2 refuses whatever would\n"
"take the total past a fixed limit (swap plus a share of RAM) and ignores\n"
"MAP_NORESERVE.  The program sets mode 0 while it runs, then puts back\n"
"the mode it found.",
	.path =
"  mmap() itself, before any fault: do_mmap -> mmap_region -> the\n"
"  driver's .mmap (mmaps); mremap() copies the VMA (vma_opens).  The\n"
"  faults that follow take step 1's and step 5's branches.",
	.meaning =
"mmap() refused an offset that is not a multiple of the page size before\n"
"the driver was asked, rounded a length up to whole pages, and placed a\n"
"mapping elsewhere when its hint was taken.  A descriptor opened\n"
"read-only cannot make a writable shared mapping (EACCES): its writes\n"
"would reach the device.  A private one is allowed, since its writes go\n"
"to copies.  A PROT_NONE mapping let no read through: SIGSEGV, and the\n"
"driver was not asked.  MAP_FIXED did replace part of a mapping:\n"
"/proc/self/maps showed it cut in three, and the driver saw the two\n"
"splits.  A private mapping of /dev/zero read zeroes and took writes that\n"
"/dev/zero itself never saw; a shared one showed up as\n"
"\"/dev/zero (deleted)\", as MAP_SHARED | MAP_ANONYMOUS does: the kernel\n"
"makes both from a hidden tmpfs file.  mremap() had no room to grow in\n"
"place, so it moved the mapping and took its page table entries along (no\n"
"new fault); the driver saw a vma_open, not an mmap.  The emulated\n"
"remap_file_pages() is an mmap() over part of the mapping: one VMA became\n"
"three, the middle one at file offset 3 pages.  MAP_POPULATE and\n"
"mlock() took the faults up front: the pages were mapped before the\n"
"program touched them, one .fault each (mlock() also keeps them from\n"
"reclaim until munlock() or munmap()).  A private writable\n"
"mapping larger than RAM and swap was refused, and accepted with\n"
"MAP_NORESERVE, which left Committed_AS alone; 64 MiB of private writable\n"
"memory, anonymous or of the device, added 64 MiB to it, and a shared\n"
"mapping of the device nothing: its pages are the device's own.",
},
{
	.name = "12-cache-writeback",
	.title = "The page cache and its file: major faults, dirty pages, writeback",
	.fault_around = 4096,
	.intro =
"So far the device kept every page in RAM.  Loaded with a backing file\n"
"(module parameter backing=PATH), its page cache becomes a cache like a\n"
"disk file system's: the file holds the bytes, and RAM holds the pages\n"
"someone used lately.  A fault on a page that is not cached must read it\n"
"from the file: a \"major\" fault, the kind that waits for I/O.  A store\n"
"makes a cached page dirty (newer than the file), and writeback copies\n"
"it to the file: msync(MS_SYNC) or fsync() at once, the kernel's flusher\n"
"threads later.  A clean page may be dropped (evicted) at any time and\n"
"read again when needed.  The program writes 8 pages, evicts them with\n"
"the driver's VMDEMO_IOC_EVICT ioctl, reads them back without and with\n"
"readahead, then follows one page through a store, msync(MS_SYNC), a\n"
"second store, msync(MS_ASYNC) and the flusher.  It sets the module's\n"
"readahead parameter, vm.dirty_writeback_centisecs,\n"
"vm.dirty_expire_centisecs and the device's min_ratio\n"
"(/sys/class/bdi/vmdemo) while it runs, and puts them back.",
	.path =
"  A miss: do_read_fault -> .fault reads the page from the file and\n"
"  returns VM_FAULT_MAJOR (faults_major).  A store after writeback:\n"
"  do_wp_page -> wp_page_shared -> .page_mkwrite (writeback had made the\n"
"  PTE read-only).",
	.meaning =
"The device's bytes were in two places: the file, and, for the pages in\n"
"use, the page cache.  Eviction wrote the dirty pages to the file and\n"
"dropped them; clean pages were dropped with no writing at all.  Reading\n"
"an evicted page cost a major fault: the driver read the page from the\n"
"file, and getrusage() counted the fault as major too (ru_majflt).  Once\n"
"cached, the same page cost only a minor fault in a new mapping.  With\n"
"readahead, one major fault read the next pages too, and their faults\n"
"were minor.  A store made the page dirty (pages_dirty, and PG_dirty in\n"
"/proc/kpageflags) while the file still held the old byte.\n"
"msync(MS_SYNC) wrote it, cleaned it, and write-protected it in the page\n"
"table, so the next store faulted and called .page_mkwrite again: that\n"
"is how the kernel learns that a clean page is dirty again.\n"
"msync(MS_ASYNC) wrote nothing and changed nothing: the kernel already\n"
"tracks dirty pages, and in current Linux MS_ASYNC starts no I/O\n"
"(mm/msync.c).  The flusher threads wrote the page with no call from\n"
"the program, and that too write-protected it.  (The program had told\n"
"them to leave a page alone for an hour, dirty_expire_centisecs; then\n"
"it set that to 1 s and wrote dirty_writeback_centisecs, which wakes\n"
"them at once: writing that setting always does.  Normally\n"
"they look every dirty_writeback_centisecs, 5 s, for pages dirty for\n"
"longer than dirty_expire_centisecs, 30 s.  They also write at once the\n"
"dirty pages of a device that has more than its share of the background\n"
"threshold, a share that follows how much it wrote lately; min_ratio\n"
"gave this one 5%, so that its few dirty pages waited.)",
},
{
	.name = "13-append",
	.title = "Appending through a mapping, done right",
	.fault_around = 4096,
	.intro =
"Step 9 appended to the device through a mapping.  A widely copied\n"
"example does the same to an ordinary file: it grows the file with\n"
"ftruncate(), maps it from offset 0 with MAP_FILE | MAP_SHARED, copies\n"
"the new bytes in at the old end, and unmaps.  It has three bugs: it\n"
"passes MAP_FILE, which Linux ignores; it ignores what ftruncate()\n"
"returns; and it hands munmap() the old end of the file, which is not\n"
"page-aligned, instead of the address mmap() returned.  The program\n"
"makes each mistake on a tmpfs file in /dev/shm and checks what follows,\n"
"then appends the right way, on the file and on the device.",
	.path =
"  On the device, do_shared_fault (.fault, .page_mkwrite); past the end,\n"
"  VM_FAULT_SIGBUS.  On the tmpfs file the same branches call shmem's\n"
"  .fault (shmem_fault), not the driver.",
	.meaning =
"MAP_FILE is 0 on Linux, kept only so that old code compiles: the\n"
"mappings with and without it were the same.  ftruncate() can fail (a\n"
"descriptor not open for writing, a size over a limit); when it did and\n"
"the program went on, the mapping was still made, since mmap() does not\n"
"look at the file's size, and bytes in the old last page could be\n"
"written, but the next page held no byte of the file and the store got\n"
"SIGBUS.  So check ftruncate() before touching the new bytes.  munmap()\n"
"needs a page-aligned address: given the old end it failed with EINVAL\n"
"and the whole mapping stayed in /proc/self/maps, a leak in a program\n"
"that does not check.  Unmap with the address mmap() returned and the\n"
"length that was mapped.  Done so, read() saw the appended bytes, on\n"
"tmpfs and on the device alike; the driver saw nothing of the tmpfs\n"
"file, whose pages are in tmpfs's own page cache.",
},
{
	.name = "14-program",
	.title = "How Linux runs a program: mappings made by execve()",
	.fault_around = 4096,
	.intro =
"Linux itself is the biggest user of mmap().  execve() builds the new\n"
"program's address space out of mappings: its code and its initialised\n"
"data are private mappings of the program file, the heap and the stack\n"
"are anonymous memory.  The program prints its own /proc/self/maps with\n"
"what each line is, forks, and the child runs the same program again\n"
"with execve().  Then it compares the page frames of the code and of\n"
"the initialised data in the two processes, writes to its data, and\n"
"compares again.",
	.path =
"  The program's own pages fault through do_read_fault and do_cow_fault\n"
"  too, into its file system's .fault (filemap_fault on a disk, shmem_fault\n"
"  on the VM's tmpfs); heap and stack through do_anonymous_page.  Only\n"
"  the device's page went to the driver.  The write to the data page:\n"
"  do_wp_page -> wp_page_copy.",
	.meaning =
"Both processes ran their code from the same frame: the program file's\n"
"page in the page cache, mapped into each of them, so a program that\n"
"many processes run is in memory once.  Shared libraries work the same\n"
"way (private mappings of the library file, which the dynamic loader\n"
"makes with mmap()); the tour's programs are linked statically, so\n"
"there is no library to show here.  Initialised data is a private\n"
"mapping too, shared until written: the write gave the writer an\n"
"anonymous copy, and the other process kept the file's page and its\n"
"bytes, as step 5 showed on the device.  The heap and the stack are\n"
"anonymous: no file behind them.  fork() copied the mappings (the\n"
"driver saw one vma_open), and after execve() the device's mapping was\n"
"gone: the new program starts with what the ELF loader maps\n"
"(load_elf_binary() in fs/binfmt_elf.c, which calls the same vm_mmap()\n"
"as the mmap() system call).  The driver saw none of this but its own\n"
"mapping: the program's pages belong to the program file.",
},
};

const int tour_nsteps = ARRAY_SIZE(tour_steps);

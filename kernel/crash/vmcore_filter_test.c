// SPDX-License-Identifier: GPL-2.0
/*
 * Pages of known contents for the end-to-end test of vmcore.exclude=:
 * one this module keeps in use, and blocks it wrote and freed again, so
 * that after a crash the filtered dump must hold the first with its
 * contents and none of the others.
 *
 *	modprobe vmcore_filter_test
 *	vmcore_filter_test: kept 0x... freed 0x... 0x... 0x... 0x... (order 5)
 *
 * The freed blocks are of an order the per-CPU free lists do not take,
 * so they go straight back to the buddy allocator, where the crashed
 * kernel's struct pages say they are free.  They come from ZONE_DMA32:
 * freed in ZONE_NORMAL, they were now and then taken again before the
 * crash (a per-CPU list refilled from them), and kept as they should be.
 */
#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/string.h>

#define FILTER_TEST_FREED	4
#define FILTER_TEST_ORDER	5

static struct page *kept;

/* Fill the @n bytes at @p with the 16 bytes of @pattern over and over. */
static void filter_test_fill(void *p, size_t n, const char *pattern)
{
	size_t i;

	for (i = 0; i < n; i += 16)
		memcpy(p + i, pattern, 16);
}

static int __init filter_test_init(void)
{
	struct page *freed[FILTER_TEST_FREED];
	unsigned int i;

	kept = alloc_page(GFP_KERNEL);
	if (!kept)
		return -ENOMEM;
	filter_test_fill(page_address(kept), PAGE_SIZE, "filter-test-kept");
	/* all allocated before any is freed: four different blocks */
	for (i = 0; i < FILTER_TEST_FREED; i++) {
		freed[i] = alloc_pages(GFP_KERNEL | GFP_DMA32,
				       FILTER_TEST_ORDER);
		if (!freed[i])
			break;
		filter_test_fill(page_address(freed[i]),
				 PAGE_SIZE << FILTER_TEST_ORDER,
				 "filter-test-free");
	}
	if (i < FILTER_TEST_FREED) {
		while (i--)
			__free_pages(freed[i], FILTER_TEST_ORDER);
		__free_page(kept);
		return -ENOMEM;
	}
	for (i = 0; i < FILTER_TEST_FREED; i++)
		__free_pages(freed[i], FILTER_TEST_ORDER);
	pr_info("vmcore_filter_test: kept %#llx freed %#llx %#llx %#llx %#llx (order %d)\n",
		PFN_PHYS(page_to_pfn(kept)), PFN_PHYS(page_to_pfn(freed[0])),
		PFN_PHYS(page_to_pfn(freed[1])),
		PFN_PHYS(page_to_pfn(freed[2])),
		PFN_PHYS(page_to_pfn(freed[3])), FILTER_TEST_ORDER);
	return 0;
}
module_init(filter_test_init);

static void __exit filter_test_exit(void)
{
	__free_page(kept);
}
module_exit(filter_test_exit);

MODULE_DESCRIPTION("Pages kept and freed, for the vmcore.exclude= test");
MODULE_LICENSE("GPL");

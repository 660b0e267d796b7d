// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_elf: vx_elfmap's parser over arbitrary files.  Whatever it takes
 * must be sorted, disjoint, inside the file and readable at its edges;
 * whatever it refuses must say why.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "vx_elfmap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t start, end, prev_end = 0;
	const unsigned char *byte;
	struct vx_elfmap *map;
	char err[128] = "";
	unsigned int i;

	map = vx_elfmap_from_buf(data, size, err, sizeof(err));
	if (!map) {
		if (!err[0])
			abort();
		return 0;
	}
	for (i = 0; i < vx_elfmap_segments(map) && i < 256; i++) {
		if (vx_elfmap_segment(map, i, &start, &end) || end <= start ||
		    (i && start < prev_end))
			abort();
		prev_end = end;
		/* the first and last bytes are in the file, one past is not */
		byte = vx_elfmap_get(map, start, 1);
		if (!byte || !vx_elfmap_holds(map, byte) ||
		    byte < data || byte >= data + size)
			abort();
		byte = vx_elfmap_get(map, end - 1, 1);
		if (!byte || byte < data || byte >= data + size)
			abort();
		if (vx_elfmap_get(map, end - 1, 2) ||
		    vx_elfmap_get(map, start, end - start + 1))
			abort();
	}
	if (vx_elfmap_segment(map, i < 256 ? i : 1u << 30, &start, &end) !=
	    (i < vx_elfmap_segments(map) ? 0 : -1))
		abort();
	vx_elfmap_close(map);
	return 0;
}

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
	uint64_t start, end, off, prev_end = 0;
	struct vx_elfmap *map;
	unsigned char byte;
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
		if (vx_elfmap_offset(map, start, 1, &off) || off >= size ||
		    vx_elfmap_read(map, start, &byte, 1) || byte != data[off])
			abort();
		if (vx_elfmap_offset(map, end - 1, 1, &off) || off >= size ||
		    vx_elfmap_read(map, end - 1, &byte, 1) || byte != data[off])
			abort();
		if (!vx_elfmap_offset(map, end - 1, 2, &off) ||
		    !vx_elfmap_offset(map, start, end - start + 1, &off))
			abort();
	}
	if (vx_elfmap_segment(map, i < 256 ? i : 1u << 30, &start, &end) !=
	    (i < vx_elfmap_segments(map) ? 0 : -1))
		abort();
	vx_elfmap_close(map);
	return 0;
}

/* iommusim compare: one machine booted two ways, what differs (compare.c). */
#ifndef IOMMUSIM_CLI_COMPARE_H
#define IOMMUSIM_CLI_COMPARE_H

/* argv[0] is "compare"; returns the exit status (0 the same, 1 differ, 2 error). */
int compare_main(int argc, char **argv);

#endif

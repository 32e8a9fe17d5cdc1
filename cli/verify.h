/*
 * iommusim verify: boot the same QEMU command line on the model and on real
 * Linux (the oracle, or the output real Linux wrote earlier) and diff their
 * answers.
 */
#ifndef IOMMUSIM_CLI_VERIFY_H
#define IOMMUSIM_CLI_VERIFY_H

/* argv[0] is "verify". Returns 0 when they agree, 1 when they differ, 2 on error. */
int verify_main(int argc, char **argv);

#endif

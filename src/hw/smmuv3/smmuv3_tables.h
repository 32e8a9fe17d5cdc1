/*
 * Field layouts of the structures the SMMU reads from memory: stream table
 * (L1 descriptors and STEs), context descriptors, commands, and AArch64
 * translation table descriptors. Every decode is a named macro, by 64-bit
 * word, as in the SMMUv3 spec (chapter 5, 4) and the Arm ARM (D8).
 */
#ifndef IOMMUSIM_HW_SMMUV3_TABLES_H
#define IOMMUSIM_HW_SMMUV3_TABLES_H

#include "base/bits.h"

/* Level-1 stream table descriptor (8 bytes). */
#define L1STD_SPAN GENMASK_ULL(4, 0)
#define L1STD_L2PTR GENMASK_ULL(51, 6)

/* Stream table entry: 8 words (64 bytes). */
#define STE_DWORDS 8
#define STE0_V BIT(0)
#define STE0_CONFIG GENMASK_ULL(3, 1)
#define STE_CONFIG_ABORT 0
#define STE_CONFIG_BYPASS 4
#define STE_CONFIG_S1 5
#define STE_CONFIG_S2 6
#define STE_CONFIG_NESTED 7
#define STE_CONFIG_S1_EN(c) ((c) & 1)
#define STE_CONFIG_S2_EN(c) ((c) & 2)
#define STE0_S1FMT GENMASK_ULL(5, 4)
#define STE_S1FMT_LINEAR 0
#define STE0_S1CTXPTR GENMASK_ULL(51, 6)
#define STE0_S1CDMAX GENMASK_ULL(63, 59)
#define STE1_S1DSS GENMASK_ULL(1, 0)
#define STE_S1DSS_TERMINATE 0
#define STE_S1DSS_BYPASS 1
#define STE_S1DSS_SSID0 2
#define STE1_S1CIR GENMASK_ULL(3, 2)
#define STE1_S1COR GENMASK_ULL(5, 4)
#define STE1_S1CSH GENMASK_ULL(7, 6)
#define STE1_S1STALLD BIT(27)
#define STE1_EATS GENMASK_ULL(29, 28)
#define STE1_STRW GENMASK_ULL(31, 30)
#define STE_STRW_NSEL1 0
#define STE_STRW_EL2 2
#define STE_STRW_EL2_E2H 3
#define STE1_SHCFG GENMASK_ULL(45, 44)
#define STE2_S2VMID GENMASK_ULL(15, 0)
#define STE2_S2T0SZ GENMASK_ULL(37, 32)
#define STE2_S2SL0 GENMASK_ULL(39, 38)
#define STE2_S2IR0 GENMASK_ULL(41, 40)
#define STE2_S2OR0 GENMASK_ULL(43, 42)
#define STE2_S2SH0 GENMASK_ULL(45, 44)
#define STE2_S2TG GENMASK_ULL(47, 46)
#define STE2_S2PS GENMASK_ULL(50, 48)
#define STE2_S2AA64 BIT(51)
#define STE2_S2ENDI BIT(52)
#define STE2_S2AFFD BIT(53)
#define STE2_S2PTW BIT(54)
#define STE2_S2HD BIT(55)
#define STE2_S2HA BIT(56)
#define STE2_S2S BIT(57)
#define STE2_S2R BIT(58)
#define STE3_S2TTB GENMASK_ULL(51, 4)
/* S2TG encodes granules differently from CD.TG0. */
#define STE_S2TG_4K 0
#define STE_S2TG_64K 1
#define STE_S2TG_16K 2

/* Context descriptor: 8 words (64 bytes). */
#define CD_DWORDS 8
#define CD0_T0SZ GENMASK_ULL(5, 0)
#define CD0_TG0 GENMASK_ULL(7, 6)
#define CD_TG0_4K 0
#define CD_TG0_64K 1
#define CD_TG0_16K 2
#define CD0_IRGN0 GENMASK_ULL(9, 8)
#define CD0_ORGN0 GENMASK_ULL(11, 10)
#define CD0_SH0 GENMASK_ULL(13, 12)
#define CD0_EPD0 BIT(14)
#define CD0_ENDI BIT(15)
#define CD0_T1SZ GENMASK_ULL(21, 16)
#define CD0_TG1 GENMASK_ULL(23, 22)
#define CD0_EPD1 BIT(30)
#define CD0_V BIT(31)
#define CD0_IPS GENMASK_ULL(34, 32)
#define CD0_AFFD BIT(35)
#define CD0_WXN BIT(36)
#define CD0_TBI GENMASK_ULL(39, 38)
#define CD0_AA64 BIT(41)
#define CD0_HD BIT(42)
#define CD0_HA BIT(43)
#define CD0_S BIT(44)
#define CD0_R BIT(45)
#define CD0_A BIT(46)
#define CD0_ASET BIT(47)
#define CD0_ASID GENMASK_ULL(63, 48)
#define CD1_TTB0 GENMASK_ULL(51, 4)
#define CD2_TTB1 GENMASK_ULL(51, 4)
#define CD3_MAIR GENMASK_ULL(63, 0)
/* CD T0SZ range without small-translation-table or 52-bit VA support. */
#define CD_T0SZ_MIN 16
#define CD_T0SZ_MAX 39

/* Commands: 2 words (16 bytes). */
#define CMD_DWORDS 2
#define CMD0_OP GENMASK_ULL(7, 0)
#define CMD0_SSV BIT(11)
#define CMD0_SSID GENMASK_ULL(31, 12)
#define CMD0_SID GENMASK_ULL(63, 32)
#define CMD0_NUM GENMASK_ULL(16, 12)
#define CMD0_SCALE GENMASK_ULL(24, 20)
#define CMD0_VMID GENMASK_ULL(47, 32)
#define CMD0_ASID GENMASK_ULL(63, 48)
#define CMD0_SYNC_CS GENMASK_ULL(13, 12)
#define CMD_SYNC_CS_NONE 0
#define CMD_SYNC_CS_IRQ 1
#define CMD_SYNC_CS_SEV 2
#define CMD0_SYNC_MSH GENMASK_ULL(23, 22)
#define CMD0_SYNC_MSIATTR GENMASK_ULL(27, 24)
#define CMD0_SYNC_MSIDATA GENMASK_ULL(63, 32)
#define CMD1_SYNC_MSIADDR GENMASK_ULL(51, 2)
#define CMD1_LEAF BIT(0)
#define CMD1_CFGI_RANGE GENMASK_ULL(4, 0)
#define CMD1_TTL GENMASK_ULL(9, 8)
#define CMD1_TG GENMASK_ULL(11, 10)
#define CMD1_ADDR GENMASK_ULL(63, 12)
#define CMD1_IPA GENMASK_ULL(51, 12)

#define CMD_PREFETCH_CONFIG 0x01
#define CMD_PREFETCH_ADDR 0x02
#define CMD_CFGI_STE 0x03
#define CMD_CFGI_STE_RANGE 0x04
#define CMD_CFGI_CD 0x05
#define CMD_CFGI_CD_ALL 0x06
#define CMD_CFGI_ALL 0x04 /* CFGI_STE_RANGE with Range = 31 */
#define CMD_TLBI_NH_ALL 0x10
#define CMD_TLBI_NH_ASID 0x11
#define CMD_TLBI_NH_VA 0x12
#define CMD_TLBI_NH_VAA 0x13
#define CMD_TLBI_EL2_ALL 0x20
#define CMD_TLBI_EL2_ASID 0x21
#define CMD_TLBI_EL2_VA 0x22
#define CMD_TLBI_EL2_VAA 0x23
#define CMD_TLBI_S12_VMALL 0x28
#define CMD_TLBI_S2_IPA 0x2a
#define CMD_TLBI_NSNH_ALL 0x30
#define CMD_ATC_INV 0x40
#define CMD_PRI_RESP 0x41
#define CMD_RESUME 0x44
#define CMD_STALL_TERM 0x45
#define CMD_SYNC 0x46

/* AArch64 long-descriptor translation table entries (Arm ARM D8.3). */
#define PTE_VALID BIT(0)
#define PTE_TYPE BIT(1) /* 1: table (levels 0-2) or page (level 3) */
#define PTE_S1_AP_UNPRIV BIT(6) /* AP[1] */
#define PTE_S1_AP_RDONLY BIT(7) /* AP[2] */
#define PTE_S2_AP_READ BIT(6) /* S2AP[0] */
#define PTE_S2_AP_WRITE BIT(7) /* S2AP[1] */
#define PTE_AF BIT(10)
#define PTE_DBM BIT(51)
#define PTE_ADDR GENMASK_ULL(51, 12) /* bits below the granule must be masked too */
#define PTE_TABLE_APTABLE_RDONLY BIT(62) /* APTable[1]: no writes below */

#endif

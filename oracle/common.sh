# Shared by oracle/setup and oracle/run (sourced, bash): where the cache is,
# the private apt configuration, and the guest builders.

ORACLE_CACHE=${IOMMUSIM_ORACLE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/iommusim/oracle}
# The reference modules, in the order DESIGN.md gives (the init loads them).
ORACLE_MODULES="virtio_pci virtio_blk virtio_net virtio_mmio virtio_rng vfio_pci vfio_iommu_type1"
ORACLE_APPEND="console=ttyAMA0 panic=-1 quiet loglevel=7"

die() { echo "oracle: $*" >&2; exit 1; }

install_host_packages() {
	local missing="" p
	for p in $1; do
		dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	local sudo=""
	[ "$(id -u)" -ne 0 ] && sudo=sudo
	echo "oracle: installing$missing"
	$sudo apt-get update -qq
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
}

# apt with its own sources and lists under the cache: ARCH is arm64 (the
# guest's packages) or amd64 (QEMU 10.0 for the host).
apt_private() {
	local arch=$1 tool=$2
	shift 2
	"$tool" -o Dir::Etc::SourceList="$ORACLE_CACHE/apt/sources.list" \
		-o Dir::Etc::SourceParts=/nonexistent \
		-o Dir::State::Lists="$ORACLE_CACHE/apt/lists-$arch" \
		-o Dir::Cache="$ORACLE_CACHE/apt/cache-$arch" \
		-o Debug::NoLocking=1 \
		-o APT::Sandbox::User=root \
		-o APT::Architecture="$arch" -o APT::Architectures="$arch" "$@"
}

apt_prepare() {
	mkdir -p "$ORACLE_CACHE/apt"
	cat > "$ORACLE_CACHE/apt/sources.list" <<-SRC
	deb http://deb.debian.org/debian bookworm main
	deb http://deb.debian.org/debian bookworm-backports main
	deb http://deb.debian.org/debian trixie main
	deb http://deb.debian.org/debian trixie-backports main
	SRC
	local arch
	for arch in arm64 amd64; do
		mkdir -p "$ORACLE_CACHE/apt/lists-$arch/partial" "$ORACLE_CACHE/apt/cache-$arch/archives/partial"
		apt_private "$arch" apt-get -qq update || die "apt-get update ($arch) failed"
	done
}

# Download PKG (NAME=VERSION or NAME/SUITE) for ARCH into the current folder
# (unless it is there already); prints the .deb's file name.
apt_download() {
	local arch=$1 pkg=$2 file
	# --print-uris names the file, but only from a folder that lacks it
	file=$(cd "$ORACLE_CACHE/apt" && apt_private "$arch" apt-get -qq --print-uris download "$pkg" 2>/dev/null |
		awk '{print $2}' | head -1)
	[ -n "$file" ] || die "no package $pkg ($arch) in Debian's lists"
	if [ ! -s "$file" ]; then
		apt_private "$arch" apt-get -qq download "$pkg" >/dev/null 2>&1 || die "cannot download $pkg ($arch)"
	fi
	echo "$file"
}

# The linux-* packages a kernel meta package pulls in, pinned to the exact
# versions its Depends name ("name (= version)"), recursively.
kernel_debs() {
	local arch=$1 deb=$2 dep name ver
	echo "$deb"
	for dep in $(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed -n 's/^ *\(linux-[^ ]*\) (= \([^)]*\)).*/\1=\2/p'); do
		name=${dep%%=*}
		ver=${dep#*=}
		kernel_debs "$arch" "$(apt_download "$arch" "$dep")"
	done
}

# The guest of one stack: kernel image, the closure of the reference modules
# (decompressed, depmod'ed), busybox, the probes and the init, as
# $ORACLE_CACHE/STACK/{vmlinuz,initrd.gz,kernel-version}.
build_guest() {
	local stack=$1 suite=$2 dir="$ORACLE_CACHE/$1" here
	here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
	rm -rf "$dir/root" "$dir/initramfs"
	mkdir -p "$dir/deb" "$dir/root" "$dir/initramfs"
	(
		cd "$dir/deb"
		local meta deb bb
		meta=$(apt_download arm64 "linux-image-cloud-arm64/$suite")
		for deb in $(kernel_debs arm64 "$meta" | sort -u); do
			dpkg -x "$deb" "$dir/root"
		done
		bb=$(apt_download arm64 "busybox-static/bookworm")
		dpkg -x "$bb" "$dir/root"
	)
	local kver vmlinuz
	# trixie's kernels (the modern stack) keep the modules, the image and
	# its config in /usr/lib/modules/VERSION: move them to /lib/modules,
	# where depmod -b and the guest's busybox modprobe look.
	if [ -d "$dir/root/usr/lib/modules" ]; then
		mkdir -p "$dir/root/lib/modules"
		mv "$dir/root/usr/lib/modules"/* "$dir/root/lib/modules/"
		rmdir "$dir/root/usr/lib/modules"
	fi
	kver=$(ls "$dir/root/lib/modules" | head -1)
	[ -n "$kver" ] || die "no kernel modules in the $stack packages"
	vmlinuz=$(ls "$dir/root/boot/vmlinuz-$kver" 2>/dev/null ||
		ls "$dir/root/lib/modules/$kver/vmlinuz" 2>/dev/null ||
		ls "$dir"/root/boot/vmlinuz-* 2>/dev/null | head -1) || true
	[ -f "$vmlinuz" ] || die "no kernel image in the $stack packages"
	cp "$vmlinuz" "$dir/vmlinuz"
	cp "$dir/root/boot/config-$kver" "$dir/config" 2>/dev/null ||
		cp "$dir/root/lib/modules/$kver/config" "$dir/config" 2>/dev/null || true

	# modules: the closure the reference init (and scripts' modprobe) may need
	local ird="$dir/initramfs" m f
	find "$dir/root/lib/modules/$kver" -name '*.ko.xz' -exec xz -d -f {} +
	find "$dir/root/lib/modules/$kver" -name '*.ko.zst' -exec zstd -q -d --rm -f {} +
	depmod -b "$dir/root" "$kver"
	mkdir -p "$ird/lib/modules/$kver"
	for m in $ORACLE_MODULES pci-stub virtio_scsi virtio_console vfio_platform; do
		modprobe -d "$dir/root" -S "$kver" --show-depends "$m" 2>/dev/null |
			sed -n 's/^insmod \([^ ]*\).*/\1/p' || true
	done | sort -u | while read -r f; do
		mkdir -p "$ird/$(dirname "${f#$dir/root}")"
		cp "$f" "$ird/${f#$dir/root}"
	done
	cp "$dir/root/lib/modules/$kver"/modules.{order,builtin,builtin.modinfo} "$ird/lib/modules/$kver/" 2>/dev/null || true
	depmod -b "$ird" "$kver"

	mkdir -p "$ird"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,root,etc,iommusim}
	cp "$dir/root/bin/busybox" "$ird/bin/busybox"
	ln -sf busybox "$ird/bin/sh"
	local p
	for p in "$here"/probe/*.c; do
		[ "$(basename "$p")" = iommufd.c ] && continue
		aarch64-linux-gnu-gcc -static -O2 -Wall -Wextra -Werror -o "$ird/bin/iommusim-$(basename "$p" .c)" "$p" ||
			die "cannot build probe $p"
	done
	# the probes that stand in for the model's own verbs on the real side
	ln -sf iommusim-blk "$ird/bin/blk"
	ln -sf iommusim-vfio "$ird/bin/vfio"
	# iommufd (7.3): built against the 7.3 tree's uapi headers (Debian 12's lack them)
	if [ "$stack" = modern ]; then
		build_iommufd_probe "$ird/bin/iommusim-iommufd"
		ln -sf iommusim-iommufd "$ird/bin/iommufd"
	fi
	cp "$here/init" "$ird/init"
	chmod +x "$ird/init"
	(cd "$ird" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -9 > "$dir/initrd.gz"
	echo "$kver" > "$dir/kernel-version"
	dpkg-deb -f "$dir/deb/$(cd "$dir/deb" && apt_download arm64 "linux-image-cloud-arm64/$suite")" Version > "$dir/package-version"
	rm -rf "$dir/initramfs"
}

# oracle/probe/iommufd.c for the arm64 guest, as OUT: its <linux/iommufd.h>
# and <linux/vfio.h> are the unpacked linux-source-7.3's (build_iommufd_kernel
# unpacks it), copied into a private folder that comes before the cross
# compiler's own (Debian 12's 6.1 headers).
build_iommufd_probe() {
	local out=$1 here src inc
	here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
	src="$ORACLE_CACHE/modern/linux-source-7.3"
	[ -f "$src/include/uapi/linux/iommufd.h" ] || die "no linux-source-7.3 in $src for the iommufd probe (build_iommufd_kernel first)"
	inc=$(mktemp -d)
	mkdir -p "$inc/linux"
	cp "$src/include/uapi/linux/iommufd.h" "$src/include/uapi/linux/vfio.h" "$inc/linux/"
	aarch64-linux-gnu-gcc -static -O2 -Wall -Wextra -Werror -I "$inc" -o "$out" "$here/probe/iommufd.c" ||
		{ rm -rf "$inc"; die "cannot build probe $here/probe/iommufd.c"; }
	rm -rf "$inc"
}

# The modern stack's QEMU: bookworm-backports' qemu-system-arm (10.0, built
# for bookworm) with qemu-system-common and qemu-system-data at the same
# version, unpacked with dpkg -x into $ORACLE_CACHE/modern/qemu; the host's
# own QEMU (7.2) stays the system one. Its shared libraries come from
# bookworm (oracle/debian-packages-modern, installed by oracle/setup).
fetch_qemu_modern() {
	local dir="$ORACLE_CACHE/modern" deb ver p missing
	mkdir -p "$dir/deb"
	deb=$(cd "$dir/deb" && apt_download amd64 "qemu-system-arm/bookworm-backports") || exit 1
	ver=$(dpkg-deb -f "$dir/deb/$deb" Version) || die "cannot read $dir/deb/$deb"
	rm -rf "$dir/qemu.new"
	mkdir -p "$dir/qemu.new"
	dpkg -x "$dir/deb/$deb" "$dir/qemu.new" || die "cannot unpack $deb"
	for p in qemu-system-common qemu-system-data; do
		deb=$(cd "$dir/deb" && apt_download amd64 "$p=$ver") || exit 1
		dpkg -x "$dir/deb/$deb" "$dir/qemu.new" || die "cannot unpack $deb"
	done
	rm -rf "$dir/qemu"
	mv "$dir/qemu.new" "$dir/qemu"
	missing=$(ldd "$dir/qemu/usr/bin/qemu-system-aarch64" 2>/dev/null | awk '/not found/ {print $1}' | tr '\n' ' ') || true
	[ -z "$missing" ] || die "QEMU $ver needs host libraries that are not installed: $missing(add their bookworm packages to oracle/debian-packages-modern)"
	env QEMU_MODULE_DIR="$dir/qemu/usr/lib/x86_64-linux-gnu/qemu" \
		"$dir/qemu/usr/bin/qemu-system-aarch64" -L "$dir/qemu/usr/share/qemu" --version > "$dir/qemu-version" ||
		die "the unpacked QEMU $ver does not run"
	echo "oracle: $(head -1 "$dir/qemu-version") in $dir/qemu"
}

# The modern stack's iommufd kernel: Debian's linux-source-7.3
# (trixie-backports) configured from allnoconfig plus oracle/iommufd.config
# (merge_config.sh, olddefconfig) and built once (`make Image`, niced, two
# jobs), as $ORACLE_CACHE/modern/Image-iommufd with its .config, release and
# modules.builtin beside it. Skipped while the Image was built from the same
# source package and fragment (Image-iommufd.stamp).
build_iommufd_kernel() {
	local dir="$ORACLE_CACHE/modern" here frag deb ver stamp src tarball missing
	here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
	frag="$here/iommufd.config"
	mkdir -p "$dir/deb"
	# linux-source is arch all: whichever private lists have it
	deb=$(cd "$dir/deb" && apt_download arm64 "linux-source-7.3/trixie-backports" 2>/dev/null) ||
		deb=$(cd "$dir/deb" && apt_download amd64 "linux-source-7.3/trixie-backports") || exit 1
	ver=$(dpkg-deb -f "$dir/deb/$deb" Version) || die "cannot read $dir/deb/$deb"
	stamp="linux-source-7.3 $ver; $(basename "$frag") $(sha256sum < "$frag" | cut -d' ' -f1)"
	if [ -s "$dir/Image-iommufd" ] && [ "$(cat "$dir/Image-iommufd.stamp" 2>/dev/null)" = "$stamp" ]; then
		echo "oracle: the iommufd kernel is up to date ($dir/Image-iommufd)"
		return 0
	fi
	src="$dir/linux-source-7.3"
	if [ "$(cat "$src/.oracle-source" 2>/dev/null)" != "$ver" ]; then
		echo "oracle: unpacking linux-source-7.3 $ver"
		rm -rf "$src" "$dir/linux-source.deb"
		dpkg -x "$dir/deb/$deb" "$dir/linux-source.deb" || die "cannot unpack $deb"
		tarball=$(ls "$dir"/linux-source.deb/usr/src/linux-source-7.3.tar.* 2>/dev/null | head -1)
		[ -n "$tarball" ] || die "no linux-source-7.3.tar.* in $deb"
		tar -xf "$tarball" -C "$dir" || die "cannot unpack $tarball"
		rm -rf "$dir/linux-source.deb"
		[ -f "$src/Makefile" ] || die "$tarball did not unpack into $src"
		echo "$ver" > "$src/.oracle-source"
	fi
	rm -f "$dir/Image-iommufd" "$dir/Image-iommufd.stamp"
	(
		cd "$src" || exit 1
		export ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
		make -s allnoconfig &&
			scripts/kconfig/merge_config.sh -m .config "$frag" > "$dir/Image-iommufd.merge.log" &&
			make -s olddefconfig
	) || die "cannot configure the iommufd kernel in $src"
	missing=$(grep '^CONFIG_' "$frag" | while IFS= read -r line; do
		grep -qxF "$line" "$src/.config" || printf '%s ' "$line"
	done)
	[ -z "$missing" ] || die "the iommufd kernel's .config ($src/.config) lacks what oracle/iommufd.config asks for: $missing"
	echo "oracle: building the iommufd kernel from linux-source-7.3 $ver (10-20 minutes on 2 cores; log in $dir/Image-iommufd.log)"
	(
		cd "$src" || exit 1
		nice -n 19 make -j2 ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- Image &&
			make -s ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- kernelrelease > "$dir/Image-iommufd.release"
	) > "$dir/Image-iommufd.log" 2>&1 || die "the iommufd kernel did not build: see the end of $dir/Image-iommufd.log"
	cp "$src/.config" "$dir/Image-iommufd.config"
	# What the init must not modprobe (the kernel has no modules)
	if [ -f "$src/modules.builtin" ]; then
		cp "$src/modules.builtin" "$dir/Image-iommufd.builtin"
	else
		: > "$dir/Image-iommufd.builtin"
	fi
	cp "$src/arch/arm64/boot/Image" "$dir/Image-iommufd"
	echo "$stamp" > "$dir/Image-iommufd.stamp"
	echo "oracle: iommufd kernel $(cat "$dir/Image-iommufd.release") in $dir/Image-iommufd"
}

# The relaxed iommufd kernel: the iommufd kernel with arm_smmu_master_canwbs()
# answering true, as if the firmware flagged every PCI root complex CANWBS
# (7.3 refuses IOMMU_VIOMMU_ALLOC without it or S2FWB, and QEMU 10.0's SMMU
# and virt's root complex have neither). Built in its own tree,
# linux-source-7.3-canwbs: hard links to the unpacked source's files, the
# iommufd build's outputs copied (so make there never writes through a link),
# and arm-smmu-v3.h replaced by a patched copy; make then recompiles what
# includes it and links $ORACLE_CACHE/modern/Image-iommufd-canwbs (its own
# stamp: the iommufd kernel's plus the patch).
build_iommufd_canwbs_kernel() {
	local dir="$ORACLE_CACHE/modern" src dst hdr stamp f
	src="$dir/linux-source-7.3"
	dst="$dir/linux-source-7.3-canwbs"
	hdr=drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.h
	[ -s "$dir/Image-iommufd" ] && [ -s "$dir/Image-iommufd.stamp" ] ||
		die "the iommufd kernel is not built in $dir (build_iommufd_kernel first)"
	stamp="$(cat "$dir/Image-iommufd.stamp"); canwbs: arm_smmu_master_canwbs() returns true"
	if [ -s "$dir/Image-iommufd-canwbs" ] && [ "$(cat "$dir/Image-iommufd-canwbs.stamp" 2>/dev/null)" = "$stamp" ]; then
		echo "oracle: the iommufd-canwbs kernel is up to date ($dir/Image-iommufd-canwbs)"
		return 0
	fi
	rm -f "$dir/Image-iommufd-canwbs" "$dir/Image-iommufd-canwbs.stamp"
	rm -rf "$dst"
	cp -al "$src" "$dst" || die "cannot link $src into $dst"
	# the build's own files (newer than the unpacked source) become copies
	find "$dst" -type f -newer "$src/.oracle-source" ! -name .oracle-source -print0 |
		while IFS= read -r -d '' f; do
			cp -p "$f" "$f.oracle-copy" && mv -f "$f.oracle-copy" "$f" || exit 1
		done || die "cannot copy the iommufd build's outputs into $dst"
	# the patched header: a new file (never written through the link)
	awk '
		/^static inline bool arm_smmu_master_canwbs\(struct arm_smmu_master \*master\)$/ { inside = 1 }
		inside && /^\treturn dev_iommu_fwspec_get\(master->dev\)->flags &$/ { next }
		inside && /^\t       IOMMU_FWSPEC_PCI_RC_CANWBS;$/ {
			print "\t/* oracle: every PCI root complex is CANWBS */"
			print "\treturn true;"
			inside = 0; patched = 1; next
		}
		{ print }
		END { exit patched ? 0 : 1 }
	' "$src/$hdr" > "$dst/$hdr.oracle-new" || die "cannot patch $hdr (arm_smmu_master_canwbs() not as expected)"
	rm -f "$dst/$hdr"
	mv "$dst/$hdr.oracle-new" "$dst/$hdr"
	echo "oracle: building the iommufd-canwbs kernel (what includes arm-smmu-v3.h; log in $dir/Image-iommufd-canwbs.log)"
	(
		cd "$dst" || exit 1
		nice -n 19 make -j2 ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- Image &&
			make -s ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- kernelrelease > "$dir/Image-iommufd-canwbs.release"
	) > "$dir/Image-iommufd-canwbs.log" 2>&1 || die "the iommufd-canwbs kernel did not build: see the end of $dir/Image-iommufd-canwbs.log"
	cp "$dst/.config" "$dir/Image-iommufd-canwbs.config"
	if [ -f "$dst/modules.builtin" ]; then
		cp "$dst/modules.builtin" "$dir/Image-iommufd-canwbs.builtin"
	else
		: > "$dir/Image-iommufd-canwbs.builtin"
	fi
	cp "$dst/arch/arm64/boot/Image" "$dir/Image-iommufd-canwbs"
	echo "$stamp" > "$dir/Image-iommufd-canwbs.stamp"
	echo "oracle: iommufd-canwbs kernel $(cat "$dir/Image-iommufd-canwbs.release") in $dir/Image-iommufd-canwbs"
}

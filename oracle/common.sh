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
	kver=$(ls "$dir/root/lib/modules" | head -1)
	vmlinuz=$(ls "$dir/root/boot/vmlinuz-$kver" 2>/dev/null || ls "$dir"/root/boot/vmlinuz-* | head -1)
	[ -f "$vmlinuz" ] || die "no kernel image in the $stack packages"
	cp "$vmlinuz" "$dir/vmlinuz"
	cp "$dir/root/boot/config-$kver" "$dir/config" 2>/dev/null || true

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

	mkdir -p "$ird"/{bin,sbin,proc,sys,dev,tmp,root,etc,iommusim}
	cp "$dir/root/bin/busybox" "$ird/bin/busybox"
	ln -sf busybox "$ird/bin/sh"
	local p
	for p in "$here"/probe/*.c; do
		aarch64-linux-gnu-gcc -static -O2 -Wall -Wextra -Werror -o "$ird/bin/iommusim-$(basename "$p" .c)" "$p" ||
			die "cannot build probe $p"
	done
	cp "$here/init" "$ird/init"
	chmod +x "$ird/init"
	(cd "$ird" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -9 > "$dir/initrd.gz"
	echo "$kver" > "$dir/kernel-version"
	dpkg-deb -f "$dir/deb/$(cd "$dir/deb" && apt_download arm64 "linux-image-cloud-arm64/$suite")" Version > "$dir/package-version"
	rm -rf "$dir/initramfs"
}

fetch_qemu_modern() { die "the modern stack's QEMU is not built by this version of oracle/setup"; }
build_iommufd_kernel() { :; }

# scripts/debapt.sh — sourced by bpf-gen/fetch-go.sh and
# scripts/fetch-realprogs.sh (not run by itself): download Debian packages of
# any suite with apt-get, against a private sources list and package lists,
# without installing them or touching the machine's own apt state.
#
# The mirror is the one the machine's own apt sources already use, so no
# registry host is written in this repository.
#
#   debapt_setup APTDIR SUITE...   # writes APTDIR/etc/sources.list, sets APTO
#   apt-get "${APTO[@]}" -q update
#   (cd DIR && apt-get "${APTO[@]}" -q download PACKAGE...)

# debapt_mirror: the Debian mirror of this machine (deb822 or one-line format).
debapt_mirror() {
	local uri
	uri=$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null |
		awk '{print $2}' | grep -v -- '-security' | grep -i debian | head -n1 || true)
	if [ -z "$uri" ]; then
		uri=$(grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
			awk '{for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) {print $i; exit}}' |
			grep -v -- '-security' | grep -i debian | head -n1 || true)
	fi
	[ -n "$uri" ] || { echo "debapt: no Debian mirror found in /etc/apt/sources*" >&2; return 1; }
	echo "${uri%/}"
}

# debapt_setup APTDIR SUITE...: a private apt state under APTDIR listing the
# suites' main components; sets the array APTO of apt-get options using it.
debapt_setup() {
	local dir=$1 m s
	shift
	mkdir -p "$dir/lists/partial" "$dir/archives/partial" "$dir/etc/sources.list.d" \
		"$dir/etc/preferences.d" "$dir/debs"
	m=$(debapt_mirror) || return 1
	: >"$dir/etc/sources.list"
	for s in "$@"; do
		echo "deb $m $s main" >>"$dir/etc/sources.list"
	done
	APTO=(-o "Dir::Etc::SourceList=$dir/etc/sources.list"
		-o "Dir::Etc::SourceParts=$dir/etc/sources.list.d"
		-o "Dir::Etc::Preferences=$dir/etc/preferences"
		-o "Dir::Etc::PreferencesParts=$dir/etc/preferences.d"
		-o "Dir::State::Lists=$dir/lists"
		-o "Dir::Cache=$dir"
		-o "APT::Get::List-Cleanup=0"
		-o "APT::Sandbox::User=root")
}

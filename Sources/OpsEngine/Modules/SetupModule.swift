import Jinja
import OpsCore

/// `setup` (fact gathering): a small, fast set of facts in one round trip — hostname, fqdn,
/// distribution and version, os family, architecture, cpus, memory, default IPv4, service manager.
enum SetupModule: Module {
    static let spec = ModuleSpec(
        name: "setup", aliases: ["gather_facts"],
        args: [.init("gather_subset", .list), .init("gather_timeout", .int), .init("filter", .list), .init("fact_path")])

    static let script = """
        echo "hostname=$(hostname -s 2>/dev/null || uname -n)"
        echo "fqdn=$(hostname -f 2>/dev/null || uname -n)"
        echo "nodename=$(uname -n)"
        if [ -r /etc/os-release ]; then . /etc/os-release; fi
        echo "os_id=${ID:-}"; echo "os_like=${ID_LIKE:-}"; echo "os_name=${NAME:-}"
        echo "os_version=${VERSION_ID:-}"; echo "os_codename=${VERSION_CODENAME:-}"
        [ -r /etc/debian_version ] && echo "debian_version=$(cat /etc/debian_version)"
        echo "system=$(uname -s)"; echo "kernel=$(uname -r)"; echo "arch=$(uname -m)"
        echo "nproc=$(nproc 2>/dev/null || echo 1)"
        awk '/^MemTotal:/{print "memtotal_kb="$2} /^MemFree:/{print "memfree_kb="$2} /^SwapTotal:/{print "swaptotal_kb="$2}' /proc/meminfo
        dev=$(ip -4 route show default 2>/dev/null | awk '{for(i=1;i<NF;i++) if($i=="dev"){print $(i+1); exit}}')
        gw=$(ip -4 route show default 2>/dev/null | awk '{print $3; exit}')
        if [ -z "$dev" ]; then dev=$(ip -4 -o addr show scope global 2>/dev/null | awk '{print $2; exit}'); fi
        echo "default_dev=$dev"; echo "default_gw=$gw"
        [ -n "$dev" ] && echo "default_addr=$(ip -4 -o addr show dev "$dev" scope global 2>/dev/null | awk '{split($4,a,"/"); print a[1]; exit}')"
        echo "all_ipv4=$(ip -4 -o addr show scope global 2>/dev/null | awk '{split($4,a,"/"); printf "%s ", a[1]}')"
        if [ -d /run/systemd/system ]; then echo service_mgr=systemd; else echo "service_mgr=$(ps -p 1 -o comm= 2>/dev/null)"; fi
        echo "user_id=$(id -un)"; echo "user_uid=$(id -u)"
        dt=$(date '+%Y|%m|%d|%H|%M|%S|%s|%Z|%z|%A|%w|%W|%N'); echo "dt_local=$dt"; y=${dt%%|*}
        printf '%s\n' "$y-01-01 12:00" "$y-07-01 12:00" | date -f - '+%z %Z' | { read -r a; read -r b; echo "dt_jan=$a"; echo "dt_jul=$b"; }
        for m in apt-get dnf yum apk zypper pacman; do if command -v $m >/dev/null 2>&1; then echo "pkg_mgr=${m%-get}"; break; fi; done
        """

    static func run(_ args: ModuleArguments, _ context: ModuleContext) throws -> ModuleResult {
        let r = try context.run(script)
        try RemoteScript.check(r, context, "gathering facts")
        let kv = RemoteScript.keyValues(r.stdoutText)
        var f = ValueDict()
        let s = { (k: String) in kv[k] ?? "" }
        f["hostname"] = .string(s("hostname"))
        f["fqdn"] = .string(s("fqdn"))
        f["nodename"] = .string(s("nodename"))
        let id = s("os_id").lowercased()
        let distribution = ["debian": "Debian", "ubuntu": "Ubuntu", "centos": "CentOS", "rhel": "RedHat",
            "fedora": "Fedora", "rocky": "Rocky", "almalinux": "AlmaLinux", "alpine": "Alpine", "arch": "Archlinux",
            "opensuse-leap": "openSUSE Leap", "sles": "SLES"][id] ?? s("os_name")
        f["distribution"] = .string(distribution)
        let version = id == "debian" && !s("debian_version").isEmpty ? s("debian_version") : s("os_version")
        f["distribution_version"] = .string(version)
        f["distribution_major_version"] = .string(String(version.prefix { $0 != "." }))
        f["distribution_release"] = .string(s("os_codename"))
        let like = (id + " " + s("os_like")).lowercased()
        let family =
            like.contains("debian") || like.contains("ubuntu") ? "Debian"
            : like.contains("rhel") || like.contains("fedora") || like.contains("centos") ? "RedHat"
            : like.contains("suse") ? "Suse" : like.contains("alpine") ? "Alpine" : like.contains("arch") ? "Archlinux"
            : distribution
        f["os_family"] = .string(family)
        f["system"] = .string(s("system"))
        f["kernel"] = .string(s("kernel"))
        f["architecture"] = .string(s("arch"))
        f["machine"] = .string(s("arch"))
        let cpus = Int(s("nproc")) ?? 1
        f["processor_vcpus"] = .int(cpus)
        f["processor_count"] = .int(cpus)
        f["processor_cores"] = .int(cpus)
        f["memtotal_mb"] = .int((Int(s("memtotal_kb")) ?? 0) / 1024)
        f["memfree_mb"] = .int((Int(s("memfree_kb")) ?? 0) / 1024)
        f["swaptotal_mb"] = .int((Int(s("swaptotal_kb")) ?? 0) / 1024)
        var ipv4 = ValueDict()
        if !s("default_addr").isEmpty { ipv4["address"] = .string(s("default_addr")) }
        if !s("default_dev").isEmpty { ipv4["interface"] = .string(s("default_dev")) }
        if !s("default_gw").isEmpty { ipv4["gateway"] = .string(s("default_gw")) }
        f["default_ipv4"] = .dict(ipv4)
        f["all_ipv4_addresses"] = .list(s("all_ipv4").split(separator: " ").map { .string(String($0)) })
        f["service_mgr"] = .string(s("service_mgr"))
        f["user_id"] = .string(s("user_id"))
        f["user_uid"] = .int(Int(s("user_uid")) ?? -1)
        f["pkg_mgr"] = .string(s("pkg_mgr"))
        if let dateTime = dateTime(kv) { f["date_time"] = .dict(dateTime) }
        var result = ModuleResult()
        result.values["ansible_facts"] = .dict(f)
        return result
    }

    /// Ansible's `date_time` fact (every value a string): the host's clock at gathering, local and UTC.
    static func dateTime(_ kv: [String: String]) -> ValueDict? {
        let local = (kv["dt_local"] ?? "").split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard local.count == 13, let seconds = Double(local[6]) else { return nil }
        let (year, month, day, hour, minute, second, epoch) = (local[0], local[1], local[2], local[3], local[4], local[5], local[6])
        let micro = String(local[12].prefix(6))
        // UTC from the same instant, here rather than with another `date` on the host.
        let utc = Strftime.format("%Y-%m-%dT%H:%M:%S", epochSeconds: seconds, utc: true)
        // Python's time.tzname[1]: the zone's daylight-saving name, the one with the larger offset
        // of January and July (the standard name where there is no DST).
        let jan = (kv["dt_jan"] ?? "").split(separator: " ").map(String.init)
        let jul = (kv["dt_jul"] ?? "").split(separator: " ").map(String.init)
        var dst = local[7]
        if jan.count == 2, jul.count == 2 { dst = (Int(jul[0]) ?? 0) >= (Int(jan[0]) ?? 0) ? jul[1] : jan[1] }
        var d = ValueDict()
        for (k, v) in [
            ("year", year), ("month", month), ("weekday", local[9]), ("weekday_number", local[10]),
            ("weeknumber", local[11]), ("day", day), ("hour", hour), ("minute", minute), ("second", second),
            ("epoch", epoch), ("epoch_int", epoch), ("date", "\(year)-\(month)-\(day)"),
            ("time", "\(hour):\(minute):\(second)"), ("iso8601_micro", "\(utc).\(micro)Z"),
            ("iso8601", "\(utc)Z"), ("iso8601_basic", "\(year)\(month)\(day)T\(hour)\(minute)\(second)\(micro)"),
            ("iso8601_basic_short", "\(year)\(month)\(day)T\(hour)\(minute)\(second)"), ("tz", local[7]),
            ("tz_dst", dst), ("tz_offset", local[8]),
        ] {
            d[.string(k)] = .string(v)
        }
        return d
    }
}

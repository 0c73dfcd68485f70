# Finds a JDK of at least $required_java_major (default 25): JAVA_HOME if it is one, else the
# newest under /usr/lib/jvm. Sourced by ./engram and engram.bench/run; prints the JDK's path.
required_java_major="${required_java_major:-25}"

# The major version of the JDK at $1, from its release file, or nothing.
java_major() {
    local release="$1/release" version
    [[ -x "$1/bin/java" && -f "$release" ]] || return 0
    version="$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$release")"
    version="${version#1.}"
    echo "${version%%[.+-]*}"
}

find_java_home() {
    local major candidate
    if [[ -n "${JAVA_HOME:-}" ]]; then
        major="$(java_major "$JAVA_HOME")"
        if [[ -n "$major" && "$major" -ge $required_java_major ]]; then
            echo "$JAVA_HOME"
            return 0
        fi
    fi
    local -a candidates
    mapfile -t candidates < <(printf '%s\n' /usr/lib/jvm/*/ | sort -V -r)
    for candidate in "${candidates[@]}"; do
        candidate="${candidate%/}"
        major="$(java_major "$candidate")"
        if [[ -n "$major" && "$major" -ge $required_java_major ]]; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

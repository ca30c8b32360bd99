# The AWS API emulator (moto's server) the live tests read, on 127.0.0.1 and a free port,
# seeded with an organization of a compliant and a non-compliant account.
#
# Sourced by scripts/test.sh; on its own: `source scripts/emulator.sh && emulator_start`
# exports AILINT_EMULATOR_URL, AILINT_EMULATOR_SEED and AILINT_EMULATOR_LOG (its request
# log), `emulator_stop` ends it.

# Pinned: the live tests' expectations name what this version does and does not emulate.
EMULATOR_PACKAGE="moto[server]==5.2.1"

emulator_start() {
    local root venv port i
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
    venv="${AILINT_TEST_VENV:-$root/target/test-venv}"
    if ! "$venv/bin/python" -c 'import moto, boto3' 2>/dev/null \
        || [ "$(cat "$venv/.package" 2>/dev/null)" != "$EMULATOR_PACKAGE" ]; then
        echo "emulator: installing $EMULATOR_PACKAGE into $venv" >&2
        python3 -m venv "$venv"
        "$venv/bin/pip" install --quiet --disable-pip-version-check "$EMULATOR_PACKAGE"
        echo "$EMULATOR_PACKAGE" > "$venv/.package"
    fi
    port=$("$venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    export AILINT_EMULATOR_LOG="$root/target/emulator.log"
    "$venv/bin/moto_server" -H 127.0.0.1 -p "$port" > "$AILINT_EMULATOR_LOG" 2>&1 &
    EMULATOR_PID=$!
    export AILINT_EMULATOR_URL="http://127.0.0.1:$port"
    for i in $(seq 1 100); do
        if "$venv/bin/python" -c "import urllib.request as u; u.urlopen('$AILINT_EMULATOR_URL/moto-api/')" 2>/dev/null; then
            break
        fi
        if ! kill -0 "$EMULATOR_PID" 2>/dev/null || [ "$i" = 100 ]; then
            echo "emulator: moto_server did not start; its log:" >&2
            cat "$root/target/emulator.log" >&2
            return 1
        fi
        sleep 0.2
    done
    export AILINT_EMULATOR_SEED="$root/target/emulator-seed.json"
    "$venv/bin/python" "$root/tests/live/seed.py" "$AILINT_EMULATOR_URL" "$AILINT_EMULATOR_SEED"
    echo "emulator: $AILINT_EMULATOR_URL (pid $EMULATOR_PID), seeded: $AILINT_EMULATOR_SEED" >&2
}

emulator_stop() {
    if [ -n "${EMULATOR_PID:-}" ]; then
        kill "$EMULATOR_PID" 2>/dev/null || true
        wait "$EMULATOR_PID" 2>/dev/null || true
        unset EMULATOR_PID
    fi
}

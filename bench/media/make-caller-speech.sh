#!/usr/bin/env bash
# Makes the caller's speech that `./switchboard bench calls` streams: a short English question
# spoken by espeak-ng, as Twilio sends it (raw μ-law, 8 kHz, mono, no header), padded to whole
# 20 ms frames (160 bytes). The output is committed; rerun this only to change it.
#
#   bench/media/make-caller-speech.sh     needs espeak-ng and sox
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out="$root/roles/all/src/main/resources/dev/switchboard/roles/all/caller-speech.ulaw"
text=${1:-"Hello, how much do the solar panels cost?"}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
espeak-ng -v en-us -s 160 -w "$tmp/speech.wav" "$text"
# Phone band, normalised to -3 dBFS, then 8 kHz μ-law; silence trimmed at both ends.
sox "$tmp/speech.wav" -r 8000 -c 1 "$tmp/speech8k.wav" silence 1 0.02 1% reverse silence 1 0.02 1% reverse \
    highpass 300 lowpass 3400 norm -3
sox "$tmp/speech8k.wav" -t raw -e mu-law -b 8 -r 8000 -c 1 "$tmp/speech.ulaw"
size=$(stat -c %s "$tmp/speech.ulaw")
pad=$(( (160 - size % 160) % 160 ))
# μ-law silence is 0xFF.
{ cat "$tmp/speech.ulaw"; head -c "$pad" /dev/zero | tr '\0' '\377'; } > "$out"
echo "$out: $(stat -c %s "$out") bytes, $(( $(stat -c %s "$out") / 160 )) frames of 20 ms" >&2

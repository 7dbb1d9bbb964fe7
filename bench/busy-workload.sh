#!/bin/bash
# busy-workload.sh - the shared walkthrough workload (../../shared/bench/make-workload.sh) made busy:
# the same display, windows, narration and 60 s cycle, but much of the screen moves in most seconds:
# a terminal printing hundreds of lines fast, a long smooth scroll in the editor, a window dragged
# across the screen, slides flipped, the pointer gliding corner to corner, typing; still with idle
# gaps (about a third of the seconds show no change). Deterministic: fixed text, fixed timeline.
#
# It is a drop-in for make-workload.sh (same commands, same environment), so the shared capture
# scripts can run it in place of the shared one (record-vs-ffmpeg does that through a copy of them).
#   busy-workload.sh prepare | start-env | stop-env | env   passed on to the shared script
#   busy-workload.sh run [SECONDS]                          the busy timeline (default 60)
#   busy-workload.sh all [SECONDS]                          start-env, run, stop-env
# Environment: WB_SHARED (the shared bench folder; default ../../shared/bench from this script),
# WB_DISPLAY, WB_STATE as for make-workload.sh.
set -euo pipefail

here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
SHARED_WL=${WB_SHARED:-$here/../../shared/bench}/make-workload.sh
[ -x "$SHARED_WL" ] || { echo "busy-workload: $SHARED_WL not found (set WB_SHARED)" >&2; exit 1; }

WB_DISPLAY=${WB_DISPLAY:-:99}
WB_STATE=${WB_STATE:-/tmp/walkbench}
ASSETS=$WB_STATE/assets
BUSY=$WB_STATE/busy-assets
export DISPLAY=$WB_DISPLAY
export PULSE_SERVER=unix:$WB_STATE/pulse/native
CYCLE=60

log() { echo "[busy-workload] $*" >&2; }
now_us() { local t=$EPOCHREALTIME; echo "${t/./}"; }

# ---------------------------------------------------------------- assets
# The shared assets (narration, wallpaper, first slide, source file) and, beside them, three more
# slides, a longer source file for the smooth scroll and the build log the terminal prints.
prepare_busy() {
    "$SHARED_WL" prepare
    [ -e "$BUSY/.done" ] && return 0
    mkdir -p "$BUSY"
    log "building the busy assets in $BUSY"
    # the editor's file: the shared source three times over (~630 lines), so a 240-line scroll fits
    cat "$ASSETS/pipeline.cpp" "$ASSETS/pipeline.cpp" "$ASSETS/pipeline.cpp" >"$BUSY/pipeline_long.cpp"
    # the build log: 700 lines of varied text (compiler-like output, paths, numbers)
    awk 'BEGIN { srand(7)
        split("avkit catalog recorder player serve remote app common", part, " ")
        for (i = 1; i <= 700; i++) {
            p = part[1 + i % 8]
            if (i % 37 == 0) printf "%s/%s_%03d.cpp:%d:%d: warning: unused variable \x27frame_%d\x27 [-Wunused-variable]\n", p, p, i % 53, 10 + i % 400, 1 + i % 60, i
            else printf "[%3d/%d] Building CXX object %s/CMakeFiles/wt_%s.dir/%s_%03d.cpp.o (%.2f s, %d kB)\n", i, 700, p, p, p, i % 53, 0.1 + (i * 37 % 400) / 100, 1000 + i * 13 % 9000
        } }' >"$BUSY/build.log"
    # slides 2-4: different layouts and colours, so a flip changes most of the slide's area
    convert -size 1500x860 xc:'#0f172a' -fill '#38bdf8' -draw 'rectangle 0,0 1499,14' \
        -font DejaVu-Sans-Bold -pointsize 56 -fill white -annotate +70+150 'Why record instead of meeting' \
        -font DejaVu-Sans -pointsize 34 -fill '#cbd5e1' \
        -annotate +110+280 '•  5 minutes of video replace a 30-minute call' \
        -annotate +110+360 '•  people watch when it suits their time zone' \
        -annotate +110+440 '•  questions land as comments at the right moment' \
        -annotate +110+520 '•  watched means really watched: coverage, not clicks' \
        -fill '#38bdf8' -draw 'circle 1300,700 1300,620' "$BUSY/slide2.png"
    convert -size 1500x860 gradient:'#fef3c7-#fde68a' \
        -font DejaVu-Sans-Bold -pointsize 50 -fill '#78350f' -annotate +60+100 'Throughput by stage (frames/s)' \
        -fill '#b45309' -draw 'rectangle 120,300 300,800' -fill '#d97706' -draw 'rectangle 380,420 560,800' \
        -fill '#f59e0b' -draw 'rectangle 640,200 820,800' -fill '#fbbf24' -draw 'rectangle 900,560 1080,800' \
        -fill '#92400e' -draw 'rectangle 1160,350 1340,800' \
        -font DejaVu-Sans -pointsize 26 -fill '#451a03' \
        -annotate +150+840 'grab' -annotate +400+840 'convert' -annotate +680+840 'encode' \
        -annotate +950+840 'mux' -annotate +1200+840 'upload' "$BUSY/slide3.png"
    convert -size 1500x860 xc:white -stroke '#1d4ed8' -strokewidth 6 -fill none \
        -draw 'bezier 80,760 400,100 800,800 1420,140' -stroke '#dc2626' -draw 'bezier 80,200 500,820 900,90 1420,700' \
        -stroke none -font DejaVu-Sans-Bold -pointsize 44 -fill '#111827' -annotate +60+70 'Latency vs. lookahead' \
        -font DejaVu-Sans -pointsize 24 -fill '#374151' -annotate +1180+820 'lookahead (frames)' "$BUSY/slide4.png"
    touch "$BUSY/.done"
}

# ---------------------------------------------------------------- timeline helpers (as the shared script's)
T0=0; TEND=0
sec_us() { local s=$1 i f=000000; i=${s%.*}; [[ $s == *.* ]] && f=${s#*.}000000; echo $((10#$i * 1000000 + 10#${f:0:6})); }
at() {
    local target=$((T0 + $(sec_us "$1")))
    [ "$target" -ge "$TEND" ] && return 1
    local now; now=$(now_us)
    # a step that starts late shifts the busy stretches into the idle gaps: say so
    [ "$now" -gt $((target + 500000)) ] && log "late by $(((now - target) / 1000)) ms at ${1} s"
    if [ "$target" -gt "$now" ]; then
        local d=$((target - now)); sleep "$((d / 1000000)).$(printf '%06d' $((d % 1000000)))"
    fi
    return 0
}
glide() {   # X1 Y1 X2 Y2 STEPS MS_PER_STEP
    local x1=$1 y1=$2 x2=$3 y2=$4 n=$5 ms=$6 i
    for ((i = 1; i <= n; i++)); do
        xdotool mousemove $((x1 + (x2 - x1) * i / n)) $((y1 + (y2 - y1) * i / n))
        sleep "0.$(printf '%03d' "$ms")"
    done
}
drag() {    # WINDOW X1 Y1 X2 Y2 STEPS MS_PER_STEP: the window and the pointer move together
    local w=$1 x1=$2 y1=$3 x2=$4 y2=$5 n=$6 ms=$7 i x y
    for ((i = 1; i <= n; i++)); do
        x=$((x1 + (x2 - x1) * i / n)); y=$((y1 + (y2 - y1) * i / n))
        xdotool windowmove "$w" "$x" "$y" mousemove $((x + 300)) $((y + 10))
        sleep "0.$(printf '%03d' "$ms")"
    done
}
focus() { xdotool windowraise "$1" windowfocus "$1"; sleep 0.05; }
# `display` shows each image in a new window: the slide is whichever slide window is mapped now
slide_window() { xdotool search --onlyvisible --name '^slide$' | awk 'NR == 1'; }
typ() { xdotool type --delay 65 -- "$1"; }

open_windows() {
    local w=$WB_STATE/work
    rm -rf "$w"; mkdir -p "$w"
    cp "$BUSY/pipeline_long.cpp" "$BUSY/build.log" "$w/"
    # showlog FIRST: 350 lines of the build log from line FIRST, ~100 lines a second (perl, which
    # Debian always has, sleeps without starting a process per line)
    cat >"$w/showlog" <<'EOF2'
#!/usr/bin/perl
$| = 1; my $first = shift; open(my $f, '<', 'build.log') or die;
while (<$f>) { next if $. < $first; last if $. >= $first + 350; print; select(undef, undef, undef, 0.01); }
EOF2
    chmod +x "$w/showlog"
    cd "$w"
    : >"$WB_STATE/windows.pids"
    xterm -name wb_editor -T editor -fa 'DejaVu Sans Mono' -fs 13 -bg '#1e1f22' -fg '#d4d4d4' \
        -geometry 192x47+0+28 -b 0 -bw 0 +sb \
        -e vim -N -u NONE -i NONE -n \
        -c 'syntax on' -c 'set background=dark number laststatus=2 ruler ttimeoutlen=10' \
        -c 'hi LineNr ctermfg=243' pipeline_long.cpp &
    echo $! >>"$WB_STATE/windows.pids"
    # jump scrolling off (-j off: +j): every printed line scrolls the terminal, as a fast log does
    xterm -name wb_term -T terminal -fa 'DejaVu Sans Mono' -fs 12 -bg '#fdfdfd' -fg '#202020' \
        -geometry 120x32+250+190 -bw 0 +sb +j \
        -e env -i HOME="$w" TERM=xterm PS1='demo@rec:~/pipeline$ ' PATH=/usr/bin:/bin \
        bash --norc --noprofile &
    echo $! >>"$WB_STATE/windows.pids"
    # the slides: `display` shows the next image on space
    display -title slide -geometry +210+150 "$ASSETS/slide.png" "$BUSY/slide2.png" "$BUSY/slide3.png" "$BUSY/slide4.png" &
    echo $! >>"$WB_STATE/windows.pids"
    W_ED=$(xdotool search --sync --classname '^wb_editor$' | awk 'NR == 1')
    W_TERM=$(xdotool search --sync --classname '^wb_term$' | awk 'NR == 1')
    xdotool search --sync --name '^slide$' >/dev/null
    sleep 1.5
    focus "$W_ED"
    xdotool mousemove 960 620
    sleep 0.5
}

close_windows() {
    local pid
    if [ -e "$WB_STATE/windows.pids" ]; then
        while read -r pid; do kill "$pid" 2>/dev/null || true; done <"$WB_STATE/windows.pids"
        while read -r pid; do wait "$pid" 2>/dev/null || true; done <"$WB_STATE/windows.pids"
        rm -f "$WB_STATE/windows.pids"
    fi
}

# The log printed line by line, paced (~4 s for 350 lines) so the terminal scrolls all along.
print_log() {   # FIRST_LINE
    typ "./showlog $1"; xdotool key Return
}

# One 60 s cycle. Busy stretches (~40 s) with idle gaps between them (~20 s).
cycle() {
    paplay --device=wb_mic --latency-msec=20 "$ASSETS/narration.wav" &
    AUDIO_PID=$!
    at 3.3  || return 1; focus "$W_TERM"; glide 960 620 700 520 6 30
                         print_log 1                                       # fast terminal output
    at 12.3 || return 1; focus "$W_ED"; xdotool key --delay 20 --repeat 110 ctrl+e  # long smooth scroll
    at 19.3 || return 1; focus "$W_TERM"; drag "$W_TERM" 250 190 1000 600 30 30     # drag a window across
                         drag "$W_TERM" 1000 600 60 120 30 30
    at 25.3 || return 1; focus "$(slide_window)"; xdotool key space                   # slide flips
    at 26.8 || return 1; xdotool key space
    at 28.3 || return 1; xdotool key space
    at 29.8 || return 1; glide 1500 300 120 1000 18 30; glide 120 1000 1850 80 18 30   # far pointer glides
                         glide 1850 80 300 200 18 30
    at 34.3 || return 1; focus "$W_ED"; xdotool key --delay 20 --repeat 110 ctrl+y  # scroll back up
    at 41.3 || return 1; xdotool key G; typ 'o// audio: Opus 32k, 20 ms frames, one packet per frame'
                         xdotool key Escape
    at 47.3 || return 1; focus "$W_TERM"; print_log 351
    # idle until the reset: the terminal back to its place and cleared, the slide back to the first,
    # the editor's file reverted and at its top
    at 58.3 || return 1; xdotool windowmove "$W_TERM" 250 190; typ 'clear'; xdotool key Return
                         xdotool windowfocus "$(slide_window)"; sleep 0.05; xdotool key space
                         xdotool windowfocus "$W_ED"; sleep 0.05
                         xdotool type --delay 40 -- ':e!'; xdotool key Return; xdotool key g g
    return 0
}

run() {
    local dur=${1:-60}
    xdpyinfo >/dev/null 2>&1 || { log "no display $WB_DISPLAY: run start-env first"; exit 1; }
    pactl info >/dev/null 2>&1 || { log "no PulseAudio: run start-env first"; exit 1; }
    prepare_busy
    rm -f "$WB_STATE/ready"
    AUDIO_PID=
    trap 'kill $AUDIO_PID 2>/dev/null || true; close_windows; [ -n "${STOP_ENV_AT_EXIT:-}" ] && "$SHARED_WL" stop-env' EXIT
    open_windows
    local start; start=$(now_us)
    TEND=$((start + dur * 1000000))
    touch "$WB_STATE/ready"
    local c=0
    while :; do
        T0=$((start + c * CYCLE * 1000000))
        [ "$T0" -ge "$TEND" ] && break
        cycle || true
        [ -n "$AUDIO_PID" ] && { kill "$AUDIO_PID" 2>/dev/null || true; wait "$AUDIO_PID" 2>/dev/null || true; }
        c=$((c + 1))
    done
    local now; now=$(now_us)
    [ "$now" -lt "$TEND" ] && sleep "$(awk -v d=$((TEND - now)) 'BEGIN{printf "%.3f", d/1e6}')"
    log "busy workload done ($dur s)"
}

case "${1:-all}" in
    prepare) prepare_busy ;;
    start-env|stop-env|env) "$SHARED_WL" "$1" ;;
    run) run "${2:-60}" ;;
    all) "$SHARED_WL" start-env; prepare_busy; STOP_ENV_AT_EXIT=1; run "${2:-60}" ;;
    *) echo "usage: $0 prepare|start-env|run [SECONDS]|stop-env|all [SECONDS]|env" >&2; exit 2 ;;
esac

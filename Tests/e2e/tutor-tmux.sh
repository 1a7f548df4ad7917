#!/usr/bin/env bash
# End-to-end test of the terminal tutor: drives the real binary in tmux (which provides the pty,
# so this runs headless in CI), reads the screen back with capture-pane, and checks the terminal
# is restored however the tutor ends.
#
#   Tests/e2e/tutor-tmux.sh [path/to/qlora-tutor]
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=$(realpath "${1:-.build/debug/qlora-tutor}")
work=$(mktemp -d)
# The terminal type tmux emulates, so keys such as End arrive as the tutor's terminfo expects.
term=tmux-256color
infocmp "$term" > /dev/null 2>&1 || term=screen-256color
starts=0
socket="qlora-tutor-e2e-$$-0"
T() { tmux -L "$socket" -f /dev/null "$@"; }
cleanup() { T kill-server 2>/dev/null || true; rm -rf "$work"; }
# Each start gets a server of its own: a new session on a server still shutting down fails.
fresh_server() {
    T kill-server 2>/dev/null || true
    starts=$((starts + 1))
    socket="qlora-tutor-e2e-$$-$starts"
}
trap cleanup EXIT

fail() {
    echo "FAIL: $*" >&2
    T capture-pane -p -S - -t main >&2 2>/dev/null || true
    exit 1
}
screen() { T capture-pane -p -t main; }
# Waits until the screen shows a line matching the extended regular expression.
wait_for() {
    for _ in $(seq 1 150); do
        screen | grep -Eq -- "$1" && return 0
        sleep 0.1
    done
    fail "timed out waiting for /$1/"
}
pane() { T display-message -p -t main "$1"; }
wait_dead() {
    for _ in $(seq 1 100); do
        [[ $(pane '#{pane_dead}') == 1 ]] && sleep 0.1 && return 0
        sleep 0.1
    done
    fail "the tutor did not exit"
}
# Starts the tutor in a fresh tmux server under a shell that records its exit status (tmux
# itself sometimes marks the pane dead before it has reaped the process); the pane stays after
# the process ends so we can inspect it.
start() {
    local width=$1 height=$2
    shift 2
    fresh_server
    rm -f "$work/status"
    T new-session -d -s main -x "$width" -y "$height" \
        "env TERM=$term SWIFT_BACKTRACE=interactive=no ${TUTOR_ENV:-} $bin $*; echo \$? > $work/status" \
        \; set-option -t main remain-on-exit on
}
# The tutor's own process id (the pane runs the shell around it).
tutor_pid() { pgrep -n -P "$(pane '#{pane_pid}')"; }
expect_restored() {
    wait_dead
    [[ $(pane '#{alternate_on}') == 0 ]] || fail "the pane is still in the alternate screen"
}
sqnr() { screen | grep -Eo 'SQNR \(dB\) +[-0-9.e]+' | head -1; }

echo "--- learner: open a lesson, run, tweak, answer, resize, quit"
start 120 40 --progress "$work/progress.json"
wait_for 'NormalFloat 4-bit'
T send-keys -t main j j j Enter
wait_for 'step 1/8'
T send-keys -t main n n n n n n n
wait_for 'step 8/8'
T send-keys -t main Enter
wait_for 'quantize +✓ every expectation holds'
T capture-pane -e -p -t main | grep -Eq $'\e\\[38;5;[0-9]+m(\e\\[48;5;[0-9]+m)?▀' || fail "no heatmap cells in 256 colours"
T send-keys -t main End
wait_for '✓ sqnr_db > 19'
T send-keys -t main Home
wait_for 'SQNR'
before=$(sqnr)
[[ -n $before ]] || fail "no SQNR line"
T send-keys -t main +
wait_for 'type: fp4'
for _ in $(seq 1 50); do [[ $(sqnr) != "$before" && -n $(sqnr) ]] && break; sleep 0.1; done
[[ $(sqnr) != "$before" ]] || fail "the numbers did not change after the tweak ($before)"
T send-keys -t main Tab
wait_for 'Enter: answer'
T send-keys -t main Enter 4 . 5
wait_for 'answer: 4\.5'
T send-keys -t main Enter
wait_for '✓ right'
for size in "30 10" "1 1" "2 3" "200 60" "80 24" "120 40"; do
    T resize-window -t main -x "${size% *}" -y "${size#* }"
    sleep 0.2
    [[ $(pane '#{pane_dead}') == 0 ]] || fail "the tutor died at size $size"
done
wait_for 'step 8/8'
T send-keys -t main q
expect_restored
[[ $(cat "$work/status") == 0 ]] || fail "exit status $(cat "$work/status")"

echo "--- grader: the progress file the tutor wrote"
# Exit 1: the other quizzes are not answered yet; 2 would mean the file could not be read.
status=0
"$bin" --check --answers "$work/progress.json" > "$work/grade.txt" || status=$?
[[ $status == 1 ]] || fail "grading exited $status: $(cat "$work/grade.txt")"
grep -Eq 'ok .*nf4-bits' "$work/grade.txt" || fail "the answer was not graded right: $(grep nf4-bits "$work/grade.txt")"

echo "--- learner again: resumes at the step they left"
start 120 40 --progress "$work/progress.json"
wait_for 'step 8/8'
T send-keys -t main C-c
expect_restored

echo "--- projector at 80x24: step, run, tweak, blank, timer, jump"
start 80 24 --projector --progress "$work/projector.json"
wait_for 'NormalFloat 4-bit'
T send-keys -t main j j j Enter
wait_for 'lesson 4/9 · step 1/8'
# The clicker shows what is below the fold before it steps: click until the last step is up.
for _ in $(seq 1 40); do
    screen | grep -q 'step 8/8' && break
    T send-keys -t main PageDown
    sleep 0.15
done
wait_for 'step 8/8'
T send-keys -t main r
wait_for 'quantize +✓ every expectation holds'
T capture-pane -e -p -t main | grep -Eq $'\e\\[38;5;[0-9]+m(\e\\[48;5;[0-9]+m)?▀' || fail "no heatmap cells in colour on the projector"
T send-keys -t main +
wait_for 'type: fp4'
T send-keys -t main b
sleep 0.3
[[ -z $(screen | tr -d ' \n') ]] || fail "b did not blank the screen"
T send-keys -t main b t
wait_for '00:0[0-2]'
T send-keys -t main g 1 Enter
wait_for 'lesson 1/9'
T send-keys -t main Left
T resize-window -t main -x 240 -y 70
sleep 0.2
T send-keys -t main q
expect_restored

echo "--- projector and presenter: the clicker walks a whole lesson into the next; the presenter follows and drives"
# Both meet under the state directory; the presenter runs in a second window of the same session.
state="$work/state"
fresh_server
rm -f "$work/status"
T new-session -d -s main -x 80 -y 24 "env TERM=$term XDG_STATE_HOME=$state $bin --projector --progress $work/clicker.json; echo \$? > $work/status" \; set-option -t main remain-on-exit on
T new-window -d -t main: -n presenter "env TERM=$term XDG_STATE_HOME=$state $bin --presenter; echo \$? > $work/presenter-status"
T resize-window -t main:presenter -x 100 -y 30 2>/dev/null || true
on() { T capture-pane -p -t "$1"; }
wait_in() {
    for _ in $(seq 1 150); do
        on "$1" | grep -Eq -- "$2" && return 0
        sleep 0.1
    done
    echo "--- $1:" >&2; on "$1" >&2
    fail "timed out waiting for /$2/ in $1"
}
# Where each side says the class is: `lesson L/9 · step S/N`.
where() { on "$1" | grep -Eo 'lesson [0-9]+/[0-9]+ · step [0-9]+/[0-9]+' | head -1; }
agree() {
    local projector
    for _ in $(seq 1 50); do
        projector=$(where main:0)
        [[ -n $projector && $(where main:presenter) == "$projector" ]] && return 0
        sleep 0.1
    done
    fail "projector at '$(where main:0)', presenter at '$(where main:presenter)'"
}
wait_in main:0 'lessons'
wait_in main:presenter 'PRESENTER'
wait_in main:presenter 'the lesson list'
T send-keys -t main:0 PageDown
wait_in main:0 'lesson 1/9 · step 1/'
agree
wait_in main:presenter 'Notes'
# Click through lesson 1 and into lesson 2, checking after every click that both screens agree.
seen_checks= seen_notes= clicks=0
while ! where main:0 | grep -q 'lesson 2/9'; do
    clicks=$((clicks + 1))
    (( clicks < 60 )) || fail "sixty clicks did not leave lesson 1"
    before=$(on main:0)
    T send-keys -t main:0 PageDown
    for _ in $(seq 1 50); do [[ $(on main:0) != "$before" ]] && break; sleep 0.05; done
    agree
    on main:presenter | grep -q 'Checks (not on the projector)' && seen_checks=1
    on main:presenter | grep -q 'No notes for this step' || seen_notes=1
    if where main:0 | grep -q 'step 3/'; then
        # A live block: `r` on the projector runs it; the expectation lines go to the presenter only.
        T send-keys -t main:0 r
        wait_in main:presenter '✓ bf16_relative_error < 0.004'
        ! on main:0 | grep -q 'bf16_relative_error < 0.004' || fail "the projector shows expectation lines to the audience"
        break
    fi
done
[[ -n $seen_checks && -n $seen_notes ]] || fail "the presenter showed no checks or no notes in lesson 1"
while ! where main:0 | grep -q 'lesson 2/9'; do
    clicks=$((clicks + 1))
    (( clicks < 60 )) || fail "sixty clicks did not leave lesson 1"
    T send-keys -t main:0 Space
    sleep 0.15
    agree
done
wait_in main:0 'lesson 2/9 · step 1/'
agree
# The presenter drives: next, back, jump, blank.
T send-keys -t main:presenter Space
wait_in main:0 'lesson 2/9 · step 2/'
agree
T send-keys -t main:presenter PageUp
wait_in main:0 'lesson 2/9 · step 1/'
agree
T send-keys -t main:presenter g 4 Enter
wait_in main:0 'lesson 4/9 · step 1/'
agree
T send-keys -t main:presenter b
sleep 0.5
[[ -z $(on main:0 | tr -d ' \n') ]] || fail "the presenter's b did not blank the projector"
wait_in main:presenter 'projector blanked'
T send-keys -t main:presenter b
wait_in main:0 'lesson 4/9'
# The projector quits: the presenter says it is waiting, and quits cleanly itself.
T send-keys -t main:0 q
wait_in main:presenter 'Waiting for the projector'
T send-keys -t main:presenter q
for _ in $(seq 1 50); do [[ -s $work/presenter-status ]] && break; sleep 0.1; done
[[ $(cat "$work/presenter-status" 2>/dev/null) == 0 ]] || fail "the presenter exited with '$(cat "$work/presenter-status" 2>/dev/null)'"
[[ $(T display-message -p -t main:presenter '#{alternate_on}') == 0 ]] || fail "the presenter's pane is still in the alternate screen"

echo "--- NO_COLOR: no colours, the heatmap as a density ramp"
TUTOR_ENV=NO_COLOR=1 start 120 40 --progress "$work/progress.json"
wait_for 'step 8/8'
T send-keys -t main Enter
wait_for 'quantize +✓ every expectation holds'
! T capture-pane -e -p -t main | grep -Eq $'\e\\[([0-9;]*;)?(3[0-7]|4[0-7]|38;5;[0-9]+|48;5;[0-9]+)m' || fail "colours despite NO_COLOR"
screen | grep -q '[░▒▓]' || fail "no density ramp"
T send-keys -t main q
expect_restored

echo "--- training: the loss curve grows while it trains, and Esc, pressed meanwhile, stops it"
start 120 40 --progress "$work/training.json"
wait_for 'Training'
T send-keys -t main j j j j j j j Enter
wait_for 'step 1/8'
T send-keys -t main n n
wait_for 'step 3/8'
T send-keys -t main '?'
wait_for 'run the focused block'
T send-keys -t main '?'
# The four fine-tuning runs wait for the learner's prediction; answering starts them, seconds of
# work, so Esc goes the moment one screen shows the curves growing while the runs are still going.
T send-keys -t main Enter 1 Enter
growing=
for _ in $(seq 1 100); do
    now=$(screen)
    if grep -q '━━ full' <<< "$now" && grep -q 'running…  Esc: stop' <<< "$now"; then growing=1; break; fi
    grep -Eq 'every expectation holds|expectations fail' <<< "$now" && break
    sleep 0.02
done
[[ -n $growing ]] || fail "the loss curve did not show before the training finished"
pid=$(tutor_pid)
T send-keys -t main Escape
wait_for 'stopped  Enter: run again'
screen | grep -q 'Training loss' || fail "the curve so far is gone after Esc"
# The prediction is judged after the stopped run (it needs the block's results): wait for the verdict, then nothing is left to do.
wait_for 'not quite|✓ right'
# Stopped means the worker stopped: the process goes idle instead of finishing the run unseen.
# (Training keeps a core busy; in 0.4 s the idle tutor uses far less than a tenth of one.)
if [[ -r /proc/$pid/stat ]]; then
    cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
    sleep 0.1
    before=$(cpu_ticks)
    sleep 0.4
    used=$(( $(cpu_ticks) - before ))
    (( used < $(getconf CLK_TCK) / 25 )) || fail "still computing after Esc: $used clock ticks in 0.4 s"
fi
! screen | grep -Eq 'every expectation holds|expectations fail' || fail "a stopped run finished on screen"
T send-keys -t main q
expect_restored

echo "--- SIGTERM and a crash signal restore the terminal"
for signal in TERM SEGV; do
    start 80 24 --progress "$work/signals.json"
    wait_for 'lessons'
    kill -s "$signal" "$(tutor_pid)"
    expect_restored
    # After a crash, Swift's backtrace is printed on the restored screen, not lost in the curses one.
    [[ $signal != SEGV ]] || T capture-pane -p -S - -t main | grep -q 'crashed' || fail "no backtrace after the crash"
done

echo "--- SIGKILL while saving leaves the old or the new progress file, never a torn one"
for round in $(seq 1 12); do
    start 80 24 --progress "$work/kill.json"
    wait_for 'step [0-9]|lessons'
    screen | grep -q 'step [0-9]' || T send-keys -t main Enter
    wait_for 'step [0-9]'
    pid=$(tutor_pid)
    # Every step key writes the file; kill in the middle of a burst of them.
    T send-keys -t main n p n p n p n p n p n p n p n p n p n p n p n p n p n p
    sleep "0.0$((RANDOM % 10))"
    kill -KILL "$pid"
    wait_dead
    if [[ -e $work/kill.json ]]; then
        status=0
        "$bin" --check --answers "$work/kill.json" > "$work/kill.txt" || status=$?
        [[ $status != 2 ]] || fail "round $round: torn progress file: $(cat "$work/kill.txt")"
    fi
done
[[ -e $work/kill.json ]] || fail "no progress file was ever written"

echo "--- not a terminal: one line pointing to run and --check"
if "$bin" < /dev/null > "$work/out.txt" 2> "$work/err.txt"; then fail "expected a failure without a terminal"; fi
[[ $(wc -l < "$work/err.txt") == 1 ]] && grep -q 'run' "$work/err.txt" && grep -q -- '--check' "$work/err.txt" || fail "unexpected message: $(cat "$work/err.txt")"

echo "--- TERM=dumb: plain output"
fresh_server
T new-session -d -s main -x 80 -y 24 "exec env TERM=dumb $bin --progress $work/dumb.json" \; set-option -t main remain-on-exit on
wait_dead
screen | grep -q 'NormalFloat' || fail "no plain lesson list with TERM=dumb"
T capture-pane -p -S - -t main | tr -d '\n' | grep -q 'needs a capable terminal (TERM=dumb' || fail "TERM=dumb does not say why the tutor did not start"

echo "tutor end-to-end: all passed"

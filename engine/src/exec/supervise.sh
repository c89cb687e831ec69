# nixdeck's command supervisor, run by `sh -c` on a host (over SSH, or locally), always with
# every value as a positional argument. It lets a command outlive the connection that
# started it and nixdeck itself: the command runs detached, in its own session and process
# group, its output appended to files in a run directory, its exit status written there
# when it ends. nixdeck reads the output by byte offset and re-attaches after a reconnect
# or a restart. Actions, each answering one line on standard output:
#
#   start DIR WORK CWD K=V... PROGRAM ARGS...        -> started PID | exists | no-work-dir |
#                                                       starting
#   status DIR                                       -> absent | starting | running PID |
#                                                       exited STATUS | vanished
#   attach DIR OUT_OFFSET ERR_OFFSET                 (streams out on stdout, err on stderr
#                                                     from the offsets until the command ends)
#   signal DIR TERM|KILL                             -> sent | gone
#   forget DIR                                       -> forgotten
#
# DIR is WORK/.nixdeck/jobs/JOB/STEP-ORDINAL; WORK must exist (it is the host's working
# directory, the NixOps root on the deployer). POSIX sh, and either Linux's `setsid` and GNU
# `tail --pid` (the deployer) or perl and BSD tools (the macOS builder, which has neither).
set -u

# Runs "$@" in place of this (background) shell, as the leader of a new session.
exec_in_new_session() {
  if setsid true >/dev/null 2>&1; then
    exec setsid "$@"
  fi
  exec perl -MPOSIX -e 'POSIX::setsid() != -1 or die "setsid: $!\n"; exec { $ARGV[0] } @ARGV or die "exec: $!\n"' "$@"
}

# Copies FILE from byte OFFSET to standard output as it grows, until the command of this
# run has ended (its status written, or its group gone) and all it wrote is copied. For
# hosts whose tail cannot follow until a process ends (`--pid` is GNU's).
follow_until_ended() {
  file=$1 offset=$2 polls=0
  while :; do
    ended=0
    if [ -s "$dir/exit" ]; then
      ended=1
    else
      polls=$((polls + 1))
      if [ $((polls % 10)) -eq 0 ] && ! group_alive "$pid"; then
        ended=1
      fi
    fi
    # Read after deciding: everything the command wrote before it ended is in the file.
    size=$(wc -c <"$file" 2>/dev/null | tr -d ' ')
    if [ -n "$size" ] && [ "$size" -gt "$offset" ]; then
      # Whoever read the output is gone (the connection closed): stop following.
      tail -c "+$((offset + 1))" "$file" | head -c "$((size - offset))" || return 0
      offset=$size
    fi
    if [ "$ended" = 1 ]; then
      return 0
    fi
    sleep 0.2
  done
}

# Whether any process of group $1 still runs. Ended processes that their parent has not yet
# reaped (zombies) do not count: they can linger where nobody reaps orphans promptly.
group_alive() {
  if command -v ps >/dev/null 2>&1; then
    ps -eo pgid=,stat= | awk -v group="$1" '$1 == group && $2 !~ /^Z/ { alive = 1 } END { exit !alive }'
  else
    kill -s 0 -- "-$1" 2>/dev/null
  fi
}

action=$1
dir=$2
shift 2

case $action in
start)
  work=$1 cwd=$2
  shift 2
  if [ ! -d "$work" ]; then
    echo no-work-dir
    exit 0
  fi
  umask 077
  mkdir -p "${dir%/*}" || exit 3
  if ! mkdir "$dir" 2>/dev/null; then
    echo exists
    exit 0
  fi
  : >"$dir/out"
  : >"$dir/err"
  # The supervisor: a session leader (so its pid is the group's id) that runs the command
  # with the given environment and records how it ended. It traps TERM, INT and HUP (a
  # handler, not an ignore, so the command does not inherit an ignored signal) to outlive
  # a signal to the group long enough to write the status. It first takes the run's claim:
  # if `abandon` took it first, the command never runs.
  exec_in_new_session sh -c '
    dir=$1 cwd=$2
    shift 2
    mkdir "$dir/claim" 2>/dev/null || exit 0
    trap ":" TERM INT HUP
    echo $$ >"$dir/pid.tmp" && mv "$dir/pid.tmp" "$dir/pid"
    if cd "$cwd" 2>>"$dir/err"; then
      env "$@" </dev/null >>"$dir/out" 2>>"$dir/err"
      status=$?
    else
      status=127
    fi
    echo "$status" >"$dir/exit.tmp" && mv "$dir/exit.tmp" "$dir/exit"
  ' nixdeck-supervisor "$dir" "$cwd" "$@" </dev/null >/dev/null 2>&1 &
  waited=0
  while [ ! -s "$dir/pid" ]; do
    if [ -e "$dir/never" ]; then
      echo never
      exit 0
    fi
    waited=$((waited + 1))
    if [ "$waited" -gt 400 ]; then
      echo starting
      exit 0
    fi
    sleep 0.025
  done
  echo "started $(cat "$dir/pid")"
  ;;
status)
  if [ ! -d "$dir" ]; then
    echo absent
  elif [ -s "$dir/exit" ]; then
    echo "exited $(cat "$dir/exit")"
  elif [ -e "$dir/never" ]; then
    echo never
  elif [ ! -s "$dir/pid" ]; then
    echo starting
  elif group_alive "$(cat "$dir/pid")"; then
    echo "running $(cat "$dir/pid")"
  elif [ -s "$dir/exit" ]; then
    echo "exited $(cat "$dir/exit")"
  else
    echo vanished
  fi
  ;;
attach)
  out_offset=$1 err_offset=$2
  # Follow until the command has ended: a watcher of this shell's own (reaped as soon as
  # it ends, unlike the detached supervisor) waits for the exit status, or for the group to
  # be gone (killed before it could write one); the readers follow the files until the
  # watcher ends, then read what is left.
  pid=$(cat "$dir/pid")
  if ! tail --pid="$$" -c 0 /dev/null >/dev/null 2>&1; then
    follow_until_ended "$dir/out" "$out_offset" &
    out_reader=$!
    follow_until_ended "$dir/err" "$err_offset" >&2 &
    err_reader=$!
    wait "$out_reader"
    wait "$err_reader"
    exit 0
  fi
  (
    polls=0
    while [ ! -s "$dir/exit" ]; do
      polls=$((polls + 1))
      if [ $((polls % 10)) -eq 0 ] && ! group_alive "$pid"; then
        break
      fi
      sleep 0.2
    done
  ) &
  set -- -f -s 0.2 "--pid=$!"
  tail -c "+$((out_offset + 1))" "$@" "$dir/out" &
  out_reader=$!
  tail -c "+$((err_offset + 1))" "$@" "$dir/err" >&2 &
  err_reader=$!
  wait "$out_reader"
  wait "$err_reader"
  ;;
abandon)
  # Gives up on a start whose supervisor has not come up: takes the claim, so that a
  # supervisor coming up late never runs the command, and records that it never ran.
  if mkdir "$dir/claim" 2>/dev/null; then
    : >"$dir/never"
    echo never
  else
    echo claimed
  fi
  ;;
signal)
  pid=$(cat "$dir/pid" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -s "$1" -- "-$pid" 2>/dev/null; then
    echo sent
  else
    echo gone
  fi
  ;;
forget)
  rm -rf -- "$dir"
  echo forgotten
  ;;
*)
  echo "unknown action $action" >&2
  exit 2
  ;;
esac

# ./scripts/cluster test: the checks of issue 18 against a cluster that `cluster_up` starts.
# Sourced by scripts/cluster (which defines URL, RUN_DIR, REPLICAS, start_replica, ...).
# Every wait has a deadline and every request a --max-time, so a failure ends the run.

CHECKS_FAILED=0

pass() { echo "  ok    $*"; }
fail() { echo "  FAIL  $*"; CHECKS_FAILED=$((CHECKS_FAILED + 1)); }
step() { echo "cluster test: $*"; }

replica_of() { sed -E -n 's/^trace-([a-z0-9]+)-[0-9a-f]+$/\1/p' <<< "$1"; }

# POSTs a chat body with an optional X-Session-Id (and curl flags after it); the JSON answer goes
# to $RUN_DIR/answer.json, the status code to stdout.
post_chat() {
  local session="$1" body="$2"
  shift 2
  rm -f "$RUN_DIR/answer.json"
  curl -sS --max-time 30 -o "$RUN_DIR/answer.json" -w '%{http_code}' -H 'Content-Type: application/json' \
    ${session:+-H "X-Session-Id: $session"} "$@" -d "$body" "$URL/v1/chat/completions" 2>> "$RUN_DIR/curl.err" || true
}

first_turn() {
  jq -nc --arg q "$1" '{model: "course-tiny", max_tokens: 8, temperature: 0, messages: [{role: "user", content: $q}]}'
}

follow_up() {
  jq -nc --arg q "$1" --arg a "$2" '{model: "course-tiny", max_tokens: 4, temperature: 0,
    messages: [{role: "user", content: $q}, {role: "assistant", content: $a}, {role: "user", content: "And why does it matter?"}]}'
}

# The answer's trace id, remembered (in a file: callers run this in a subshell) for the trace check.
answer_trace() {
  local id
  id="$(jq -r '.trace_id // empty' "$RUN_DIR/answer.json" 2>/dev/null || true)"
  [ -z "$id" ] || echo "$id" >> "$RUN_DIR/trace-ids.txt"
  echo "$id"
}

check_sdk_through_nginx() {
  step "OpenAI SDK tests (OpenAiSdkTest) through nginx at $URL"
  find_maven
  local report="$GLASSBOX_ROOT/server/target/surefire-reports/TEST-glassbox.server.openai.OpenAiSdkTest.xml" t0
  rm -f "$report"
  t0="$(now)"
  if (cd "$GLASSBOX_ROOT" && timeout 900 mvn -B -q test -pl server -am -Dtest=OpenAiSdkTest \
        -Dsurefire.failIfNoSpecifiedTests=false "-Dglassbox.test.baseUrl=$URL") > "$RUN_DIR/sdk-test.log" 2>&1; then
    pass "$(grep -o 'tests="[0-9]*"' "$report" | head -n1) passed through nginx, failures 0 ($(elapsed "$t0") s)"
  else
    tail -n 40 "$RUN_DIR/sdk-test.log"
    fail "OpenAiSdkTest through nginx (log: $RUN_DIR/sdk-test.log)"
  fi
}

# A conversation's second turn lands on the replica of its first and reuses the KV cache there,
# for API clients (X-Session-Id) and for the web app (its gb_session cookie).
check_sticky_follow_ups() {
  step "follow-up turns stay on their replica"
  local i session q answer r1 r2 cached replicas=() jar="$RUN_DIR/cookies.txt" code
  for i in 1 2 3 4 5 6; do
    session="learner-$i"
    q="What is a tensor, question $i?"
    code="$(post_chat "$session" "$(first_turn "$q")")"
    [ "$code" = 200 ] || { fail "$session first turn: HTTP $code"; continue; }
    answer="$(jq -r '.choices[0].message.content' "$RUN_DIR/answer.json")"
    r1="$(replica_of "$(answer_trace)")"
    code="$(post_chat "$session" "$(follow_up "$q" "$answer")")"
    [ "$code" = 200 ] || { fail "$session follow-up: HTTP $code"; continue; }
    r2="$(replica_of "$(answer_trace)")"
    cached="$(jq -r '.usage.prompt_tokens_details.cached_tokens' "$RUN_DIR/answer.json")"
    if [ "$r1" = "$r2" ] && [ "$cached" -gt 0 ]; then
      pass "$session (X-Session-Id): both turns on $r1, cached_tokens $cached"
    else
      fail "$session (X-Session-Id): turns on $r1 then $r2, cached_tokens $cached"
    fi
    replicas+=("$r1")
  done
  SESSION_REPLICAS=("${replicas[@]}")
  # the web app's way: the first page view sets gb_session, the chat sends it back
  rm -f "$jar"
  curl -sS --max-time 10 -c "$jar" -o /dev/null "$URL/" || true
  if grep -q gb_session "$jar" 2>/dev/null; then
    q="What does a browser learner ask?"
    code="$(post_chat "" "$(first_turn "$q")" -b "$jar")"
    answer="$(jq -r '.choices[0].message.content // empty' "$RUN_DIR/answer.json")"
    r1="$(replica_of "$(answer_trace)")"
    code="$code $(post_chat "" "$(follow_up "$q" "$answer")" -b "$jar")"
    r2="$(replica_of "$(answer_trace)")"
    cached="$(jq -r '.usage.prompt_tokens_details.cached_tokens // 0' "$RUN_DIR/answer.json")"
    if [ "$code" = "200 200" ] && [ "$r1" = "$r2" ] && [ "$cached" -gt 0 ]; then
      pass "gb_session cookie: both turns on $r1, cached_tokens $cached"
    else
      fail "gb_session cookie: HTTP $code, turns on '$r1' then '$r2', cached_tokens $cached"
    fi
  else
    fail "the first page view set no gb_session cookie"
  fi
  local distinct
  distinct="$(printf '%s\n' "${replicas[@]}" | sort -u | wc -l)"
  if [ "$REPLICAS" -eq 1 ] || [ "$distinct" -ge 2 ]; then
    pass "6 sessions spread over $distinct replicas ($(printf '%s ' "${replicas[@]}"))"
  else
    fail "6 sessions all hashed to one replica (${replicas[*]})"
  fi
}

check_traces_open() {
  step "every trace id returned through nginx opens"
  local id api page opened=0 ids=()
  [ -f "$RUN_DIR/trace-ids.txt" ] && mapfile -t ids < "$RUN_DIR/trace-ids.txt"
  rm -f "$RUN_DIR/trace-ids.txt"
  for id in "${ids[@]}"; do
    api="$(curl -sS --max-time 10 -o "$RUN_DIR/trace.json" -w '%{http_code}' "$URL/api/traces/$id" || echo 000)"
    page="$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' "$URL/inspect/$id" || echo 000)"
    if [ "$api" = 200 ] && [ "$(jq -r .id "$RUN_DIR/trace.json")" = "$id" ] && [ "$page" = 200 ]; then
      opened=$((opened + 1))
    else
      fail "$id: /api/traces HTTP $api, /inspect HTTP $page"
    fi
  done
  if [ "${#ids[@]}" -eq 0 ]; then
    fail "no trace ids were collected"
  elif [ "$opened" -eq "${#ids[@]}" ]; then
    pass "$opened of ${#ids[@]} traces open (api and inspector page)"
  fi
}

# Token ids the stream may not end on, so it lasts long enough to be cut.
no_end_bias() {
  jq -c '[.added_tokens[] | select(.content == "<|end|>" or .content == "<|eos|>") | {(.id | tostring): -100}] | add' \
    "$GLASSBOX_ROOT/models/course-tiny/tokenizer.json"
}

check_failover() {
  step "one replica killed while it streams"
  local session="learner-1" stream_body out="$RUN_DIR/stream.out" rc_file="$RUN_DIR/stream.rc" deadline victim n pid
  stream_body="$(jq -nc --argjson bias "$(no_end_bias)" '{model: "course-tiny", stream: true, n: 3, max_tokens: 440,
    temperature: 1, seed: 5, logit_bias: $bias, messages: [{role: "user", content: "Tell me everything."}]}')"
  rm -f "$out" "$rc_file" "$RUN_DIR/stream.end"
  ( rc=0; curl -sS -N --max-time 60 -H 'Content-Type: application/json' -H "X-Session-Id: $session" -d "$stream_body" \
      "$URL/v1/chat/completions" > "$out" 2> "$RUN_DIR/stream.err" || rc=$?
    now > "$RUN_DIR/stream.end"; echo "$rc" > "$rc_file" ) &
  deadline=$((SECONDS + 30))
  until [ "$(grep -c '^data: ' "$out" 2>/dev/null || true)" -ge 5 ]; do
    [ ! -f "$rc_file" ] && [ "$SECONDS" -lt "$deadline" ] || { fail "the stream did not start (HTTP error or 30 s)"; cat "$out" "$RUN_DIR/stream.err"; return; }
    sleep 0.05
  done
  victim="$(replica_of "$(grep -o '"trace_id":"[^"]*"' "$out" | head -n1 | cut -d'"' -f4)")"
  n="${victim#r}"
  pid="$(live_pid "$RUN_DIR/$victim.pid")" || { fail "no live pid for $victim"; return; }
  kill -KILL "$pid"
  local t_kill; t_kill="$(now)"
  pass "killed $victim (pid $pid) after $(grep -c '^data: ' "$out") stream events"

  # the session that hashed to the dead replica is served by another one, at once
  local code r waited
  code="$(post_chat "$session" "$(first_turn "Are you still there?")" --max-time 2)"
  waited="$(elapsed "$t_kill")"
  r="$(replica_of "$(answer_trace)")"
  if [ "$code" = 200 ] && [ "$r" != "$victim" ] && awk -v w="$waited" 'BEGIN { exit !(w <= 2.0) }'; then
    pass "$session, whose replica died, answered by $r ${waited} s after the kill"
  else
    fail "$session after the kill: HTTP $code from '$r' at ${waited} s"
  fi
  local i ok=0
  for i in 2 3 4 5 6; do
    code="$(post_chat "learner-$i" "$(first_turn "Still there, $i?")" --max-time 5)"
    r="$(replica_of "$(answer_trace)")"
    [ "$code" = 200 ] && [ "$r" != "$victim" ] && ok=$((ok + 1))
  done
  if [ "$ok" -eq 5 ]; then pass "5 of 5 other sessions answered by the living replicas"; else fail "only $ok of 5 other sessions answered"; fi
  # a trace link of the dead replica: an OpenAI-style 503 from nginx, not its HTML error page
  local gone="trace-$victim-00000000000000000000"
  code="$(curl -sS --max-time 5 -o "$RUN_DIR/trace.json" -w '%{http_code}' "$URL/api/traces/$gone" || true)"
  if [ "$code" = 503 ] && [ "$(jq -r '.error.code' "$RUN_DIR/trace.json" 2>/dev/null)" = replica_unavailable ]; then
    pass "a trace link to the dead $victim gets 503 replica_unavailable"
  else
    fail "a trace link to the dead $victim got HTTP $code: $(head -c 200 "$RUN_DIR/trace.json")"
  fi

  # the stream that was running on the dead replica ends (no hang) and is visibly incomplete
  deadline=$((SECONDS + 10))
  while [ ! -f "$rc_file" ] && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
  if [ ! -f "$rc_file" ]; then
    fail "the cut stream still hangs 10 s after the kill"
  elif grep -q '^data: \[DONE\]' "$out"; then
    fail "the stream finished before the kill (make it longer); nothing was tested"
  elif [ "$(cat "$rc_file")" != 0 ]; then
    local ended; ended="$(awk -v a="$t_kill" -v b="$(cat "$RUN_DIR/stream.end")" 'BEGIN { printf "%.2f", b - a }')"
    pass "the cut stream ended ${ended} s after the kill without [DONE]: curl exit $(cat "$rc_file") ($(tr -d '\n' < "$RUN_DIR/stream.err"))"
  else
    fail "the cut stream ended like a complete one (curl exit 0, no [DONE])"
  fi

  # the replica comes back and takes its sessions' traffic again
  local t_restart; t_restart="$(now)"
  start_replica "$n"
  wait_replica "$n"
  pass "$victim restarted in $(elapsed "$t_restart") s"
  deadline=$((SECONDS + 20))
  while true; do
    code="$(post_chat "$session" "$(first_turn "Welcome back?")" --max-time 5)"
    r="$(replica_of "$(answer_trace)")"
    if [ "$code" = 200 ] && [ "$r" = "$victim" ]; then
      pass "$session is served by $victim again"
      code="$(curl -sS --max-time 5 -o "$RUN_DIR/trace.json" -w '%{http_code}' "$URL/api/traces/$gone" || true)"
      if [ "$code" = 404 ]; then pass "its lost traces now get 404"; else fail "a lost trace of $victim got HTTP $code after its restart"; fi
      break
    fi
    [ "$SECONDS" -lt "$deadline" ] || { fail "$session not back on $victim 20 s after its restart (last: HTTP $code from '$r')"; break; }
    sleep 0.5
  done
}

cluster_test() {
  local t0; t0="$(now)"
  refuse_if_running
  rm -f "$RUN_DIR"/*.json "$RUN_DIR"/*.txt "$RUN_DIR"/stream.* "$RUN_DIR"/*.log "$RUN_DIR"/curl.err
  find_nginx
  trap cluster_down EXIT
  cluster_up
  check_sticky_follow_ups
  check_traces_open
  check_sdk_through_nginx
  check_failover
  check_traces_open
  if [ "$CHECKS_FAILED" -eq 0 ]; then
    echo "cluster test: all checks passed in $(elapsed "$t0") s"
  else
    echo "cluster test: $CHECKS_FAILED check(s) failed (logs in $RUN_DIR)"
    return 1
  fi
}

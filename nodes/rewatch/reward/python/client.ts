/**
 * The part every generated reward file shares: a Python 3 client of `POST /v1/reward`, standard library only. It is
 * generated once here and included verbatim in each trainer's file, so the four files cannot drift apart.
 */

export interface RewardFileOptions {
  /** The reward server, e.g. `http://127.0.0.1:8321`; `REWATCH_REWARD_URL` overrides it at run time. */
  url: string;
  /** Baked in only when given; `REWATCH_REWARD_TOKEN` overrides it at run time. */
  token?: string;
}

/** A Python string literal: JSON's string syntax is a subset of Python's. */
function pythonString(text: string): string {
  return JSON.stringify(text);
}

export const CLIENT_BEGIN = '# ---- ReWatch reward client (identical in every generated file) ----';
export const CLIENT_END = '# ---- end of the ReWatch reward client ----';

export function pythonClient({ url, token }: RewardFileOptions): string {
  return String.raw`${CLIENT_BEGIN}
import json
import os
import sys
import time
import urllib.error
import urllib.request

DEFAULT_URL = ${pythonString(url)}
DEFAULT_TOKEN = ${pythonString(token ?? '')}
PARTS = ("overall", "accuracy", "observation", "reasoning", "format")
GROUND_TRUTH_COLUMNS = ("ground_truth", "answer", "solution", "reward_model")
_RETRY_STATUS = (408, 429, 500, 502, 503, 504)
# Direct connections only: an http_proxy meant for downloads must not intercept the reward server.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class RewatchRewardError(RuntimeError):
    """The reward server could not score a batch, or items failed under REWATCH_REWARD_ON_ERROR=raise."""


def _setting(name, default):
    value = os.environ.get(name)
    return value if value else default


def _post(items):
    url = _setting("REWATCH_REWARD_URL", DEFAULT_URL).rstrip("/") + "/v1/reward"
    token = _setting("REWATCH_REWARD_TOKEN", DEFAULT_TOKEN)
    timeout = float(_setting("REWATCH_REWARD_TIMEOUT", "600"))
    retries = max(0, int(_setting("REWATCH_REWARD_RETRIES", "4")))
    body = json.dumps({"items": items}).encode("utf-8")
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    problem = "not attempted"
    for attempt in range(retries + 1):
        if attempt:
            time.sleep(min(30.0, 2.0 ** (attempt - 1)))
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with _OPENER.open(request, timeout=timeout) as reply:
                results = json.loads(reply.read().decode("utf-8"))["results"]
        except urllib.error.HTTPError as error:
            problem = "HTTP %d: %s" % (error.code, error.read().decode("utf-8", "replace")[:500])
            if error.code not in _RETRY_STATUS:
                break
            continue
        except (OSError, ValueError, KeyError) as error:  # refused, reset, timed out, not the expected JSON
            problem = "%s: %s" % (type(error).__name__, error)
            continue
        if len(results) != len(items):
            raise RewatchRewardError("%s answered %d results for %d items" % (url, len(results), len(items)))
        return results
    raise RewatchRewardError("%s failed after %d attempt(s): %s" % (url, attempt + 1, problem))


def ground_truth_text(value):
    """The encoded ground truth string; a verl reward_model dict or an already-parsed JSON object is accepted too."""
    if isinstance(value, dict) and "ground_truth" in value:
        value = value["ground_truth"]
    if isinstance(value, bytes):
        value = value.decode("utf-8")
    if isinstance(value, str):
        return value
    if value is None:
        raise RewatchRewardError("an item has no ground truth")
    return json.dumps(value)


def completion_text(completion):
    """A completion as text: a string, a chat message, or a list of messages (the last one's content)."""
    if isinstance(completion, list):
        completion = completion[-1] if completion else ""
    if isinstance(completion, dict):
        completion = completion.get("content", "")
    if isinstance(completion, list):  # content parts
        completion = "".join(part.get("text", "") for part in completion if isinstance(part, dict))
    return "" if completion is None else str(completion)


def ground_truth_column(columns, count):
    """The ground truth of each row from the dataset columns a trainer passes as keyword arguments."""
    for name in GROUND_TRUTH_COLUMNS:
        values = columns.get(name)
        if values is not None:
            values = list(values)
            if len(values) != count:
                raise RewatchRewardError("column %r has %d values for %d completions" % (name, len(values), count))
            return values
    raise RewatchRewardError("no ground truth column: expected one of %s, got %s" % (GROUND_TRUTH_COLUMNS, sorted(columns)))


def score_batch(responses, ground_truths, allow_none=False):
    """Scores (response, ground truth) pairs: one dict per pair with PARTS as floats, in order.

    REWATCH_REWARD_BATCH items go in one request (512). An item the server could not score is handled by
    REWATCH_REWARD_ON_ERROR: "raise" (default), "zero" (its parts become 0.0), or "none" (None in its place, where
    the trainer accepts it — TRL; elsewhere like "zero").
    """
    responses, ground_truths = list(responses), list(ground_truths)
    if len(responses) != len(ground_truths):
        raise RewatchRewardError("%d responses but %d ground truths" % (len(responses), len(ground_truths)))
    items = [{"response": completion_text(r), "ground_truth": ground_truth_text(g)} for r, g in zip(responses, ground_truths)]
    size = max(1, int(_setting("REWATCH_REWARD_BATCH", "512")))
    results = []
    for start in range(0, len(items), size):
        results.extend(_post(items[start:start + size]))
    failures = ["item %d: %s" % (i, r["error"]) for i, r in enumerate(results) if r.get("error")]
    policy = _setting("REWATCH_REWARD_ON_ERROR", "raise").lower()
    if failures and policy not in ("zero", "none"):
        raise RewatchRewardError("%d of %d items failed: %s" % (len(failures), len(items), "; ".join(failures[:5])))
    if failures:
        sys.stderr.write("rewatch reward: %d of %d items failed (%s): %s\n" % (len(failures), len(items), policy, failures[0]))
    none = policy == "none" and allow_none
    return [
        (None if none else dict.fromkeys(PARTS, 0.0)) if r.get("error") else dict((p, float(r[p])) for p in PARTS)
        for r in results
    ]
${CLIENT_END}
`;
}

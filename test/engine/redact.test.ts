import { describe, expect, it } from 'vitest';
import { redactText, redactUrl } from '../../main/engine/redact.ts';

describe('redacting addresses', () => {
  it('masks the password of a URL and credential-like query values, keeping the rest as written', () => {
    expect(redactUrl('https://alice:hunter2@api.example.com/v1')).toBe('https://alice:***@api.example.com/v1');
    expect(redactUrl('http://gpu-2:8000/v1?api_key=abc&region=eu&access_token=xyz#frag')).toBe(
      'http://gpu-2:8000/v1?api_key=***&region=eu&access_token=***#frag',
    );
    expect(redactUrl('https://h/x?X-Amz-Signature=f00&sig=1&Token=2&keep=3')).toBe('https://h/x?X-Amz-Signature=***&sig=***&Token=***&keep=3');
    expect(redactUrl('http://127.0.0.1:8000/v1')).toBe('http://127.0.0.1:8000/v1');
    expect(redactUrl('http://alice@host/v1')).toBe('http://alice@host/v1');
  });

  it('redacts every URL inside an error message and masks API keys in it', () => {
    const message =
      'request to http://bob:pw-1@10.0.0.2:8000/v1/chat/completions?token=t-1 failed; retried https://x:pw-2@y/v1. ' +
      'Incorrect API key provided: sk-proj-Abcdefghijklmnopqrstuvwxyz0123456789.';
    const redacted = redactText(message);
    expect(redacted).toBe(
      'request to http://bob:***@10.0.0.2:8000/v1/chat/completions?token=*** failed; retried https://x:***@y/v1. ' +
        'Incorrect API key provided: ***.',
    );
  });
});

import { describe, expect, it } from 'vitest';
import { ENTRY_SCHEMAS } from '../../main/engine/settings-validation.ts';
import { entryErrors, entryFields, errorsOf, schemaKey, withField } from '../../renderer/settings/entry-form.ts';

const sshFields = entryFields(ENTRY_SCHEMAS.hosts.ssh!);
const spec = (name: string) => sshFields.find((f) => f.name === name)!;

describe('the settings entry form', () => {
  it('takes its fields from the engine’s entry schema, leaving `kind` to its own picker', () => {
    expect(sshFields.map((f) => [f.name, f.widget, f.required])).toEqual([
      ['name', 'text', true],
      ['host', 'text', true],
      ['port', 'integer', false],
      ['user', 'text', true],
      ['privateKeyPath', 'text', false],
      ['agent', 'boolean', false],
      ['knownHostsPath', 'text', false],
      ['workDir', 'text', false],
    ]);
    expect(schemaKey('hosts', { kind: 'slurm' })).toBe('slurm');
    expect(schemaKey('providers', {})).toBe('profile');
    const slurm = entryFields(ENTRY_SCHEMAS.hosts.slurm!);
    expect(slurm.find((f) => f.name === 'login')?.widget).toBe('json');
  });

  it('leaves out an unticked box that has no default (agent: true is the only value) and emptied fields', () => {
    const entry = { name: 'gpu', agent: true, user: 'alice' };
    expect(withField(entry, spec('agent'), false)).toEqual({ name: 'gpu', user: 'alice' });
    expect(withField(entry, spec('user'), '')).toEqual({ name: 'gpu', agent: true });
    const structured = entryFields(ENTRY_SCHEMAS.providers.profile!).find((f) => f.name === 'structuredOutputs')!;
    expect(withField({}, structured, false)).toEqual({ structuredOutputs: false });
  });

  it('puts each error beside its field, nested ones under their parent with the path, the rest above the form', () => {
    const errors = [
      { field: 'privateKeyPath', message: 'set privateKeyPath or agent: true' },
      { field: 'login.workDir', message: 'must be absolute' },
      { field: '', message: 'hosts[2]: must be "ssh" or "slurm"' },
      { field: 'apiKey', message: 'holds its key inline' },
    ];
    expect(errorsOf(errors, 'privateKeyPath')).toEqual(['set privateKeyPath or agent: true']);
    expect(errorsOf(errors, 'login')).toEqual(['login.workDir: must be absolute']);
    expect(entryErrors(errors, sshFields)).toEqual(['login.workDir: must be absolute', 'hosts[2]: must be "ssh" or "slurm"', 'apiKey: holds its key inline']);
  });
});

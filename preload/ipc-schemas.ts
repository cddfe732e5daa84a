/**
 * The arguments of every IPC channel of the desktop bridge, one zod schema per channel. The Electron main process
 * parses each request with these before acting on it (the page is not trusted to send what the types say), and
 * the bridge's method types are derived from them.
 */
import { z } from 'zod';
import { MAX_REQUEST_BODY_BYTES } from '../main/api/contract.ts';
import type { IPC } from './bridge.ts';

/** Secrets are handed to the engine as environment variables, so their names must be valid ones. */
export const SECRET_NAME = /^[A-Z_][A-Z0-9_]*$/;

const filePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((path) => !path.includes('\0'), 'cannot contain NUL');

const secretName = z.string().max(256).regex(SECRET_NAME, 'must be an environment variable name (A-Z, 0-9, _)');

export const saveGraphRequestSchema = z.strictObject({
  /** A path the main process handed out this session (a dialog's or a recent file's); absent to ask. */
  path: filePath.optional(),
  /** The file name the save dialog suggests. */
  suggestedName: z
    .string()
    .min(1)
    .max(255)
    .refine((name) => !/[\\/\0]/.test(name), 'must be a file name, not a path'),
  /** No larger than the engine accepts a graph in a request. */
  text: z.string().max(MAX_REQUEST_BODY_BYTES),
});
export type SaveGraphRequest = z.infer<typeof saveGraphRequestSchema>;

/** Each invoke channel's arguments, as a tuple. */
export const ipcArguments = {
  openGraphFile: z.tuple([]),
  openRecentFile: z.tuple([filePath]),
  recentFiles: z.tuple([]),
  saveGraphFile: z.tuple([saveGraphRequestSchema]),
  revealInFolder: z.tuple([filePath]),
  secretNames: z.tuple([]),
  setSecret: z.tuple([secretName, z.string().min(1).max(64 * 1024)]),
  deleteSecret: z.tuple([secretName]),
} satisfies Record<Exclude<keyof typeof IPC, 'menuCommand'>, z.ZodTuple>;

export type IpcChannel = keyof typeof ipcArguments;
export type IpcArguments<C extends IpcChannel> = z.infer<(typeof ipcArguments)[C]>;

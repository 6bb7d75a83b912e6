import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { NATIVE_SWITCHES, requestedThreads, switchedOff, switchValue, type NativeSwitch } from '../src/index.js';

const saved = Object.fromEntries(Object.keys(NATIVE_SWITCHES).map((name) => [name, process.env[name]]));

function set(name: NativeSwitch, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

describe('the environment switches', () => {
  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) set(name as NativeSwitch, value);
  });

  it('are off for off, 0, false, no, none in any case, and on otherwise', () => {
    for (const value of ['off', 'OFF', '0', 'false', 'No', 'none']) {
      set('BCNMF_NATIVE', value);
      assert.equal(switchedOff('BCNMF_NATIVE'), true, value);
    }
    for (const value of [undefined, '', 'on', '1', 'offline', 'yes']) {
      set('BCNMF_NATIVE', value);
      assert.equal(switchedOff('BCNMF_NATIVE'), false, String(value));
    }
    set('BCNMF_BLAS', 'off');
    assert.equal(switchedOff('BCNMF_BLAS'), true);
    assert.equal(switchedOff('BCNMF_NATIVE'), false);
  });

  it('read an empty value as unset', () => {
    set('BCNMF_BLAS_LIBRARY', '');
    assert.equal(switchValue('BCNMF_BLAS_LIBRARY'), undefined);
    set('BCNMF_BLAS_LIBRARY', '/opt/lib/libopenblas.so');
    assert.equal(switchValue('BCNMF_BLAS_LIBRARY'), '/opt/lib/libopenblas.so');
  });

  it('take the thread count from the caller, else BCNMF_THREADS, as a whole number up to 64', () => {
    set('BCNMF_THREADS', undefined);
    assert.equal(requestedThreads(), 0);
    assert.equal(requestedThreads(3), 3);
    set('BCNMF_THREADS', '5');
    assert.equal(requestedThreads(), 5);
    assert.equal(requestedThreads(2), 2, 'the caller first');
    set('BCNMF_THREADS', '500');
    assert.equal(requestedThreads(), 64);
    for (const bad of ['2.5', '-1', 'many', '0']) {
      set('BCNMF_THREADS', bad);
      assert.equal(requestedThreads(), 0, bad);
    }
    assert.equal(requestedThreads(1.5), 0);
  });
});

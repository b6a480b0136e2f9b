"""Adds lock entries for workerd's non-Linux platform packages, which this registry does not
serve; npm ci skips them on Linux (os/cpu mismatch) but needs them present in the lock."""
import json, sys
path = sys.argv[1]
lock = json.load(open(path))
pk = lock['packages']
plats = {'darwin-64': ('darwin', 'x64'), 'darwin-arm64': ('darwin', 'arm64'), 'windows-64': ('win32', 'x64')}
for base in [k for k in list(pk) if k.endswith('@cloudflare/workerd-linux-64')]:
    src = pk[base]
    for name, (os_, cpu) in plats.items():
        key = base.replace('workerd-linux-64', f'workerd-{name}')
        if key in pk: continue
        entry = {k: v for k, v in src.items() if k != 'integrity'}
        entry['os'] = [os_]; entry['cpu'] = [cpu]
        pk[key] = entry
lock['packages'] = dict(sorted(pk.items(), key=lambda kv: kv[0]))
json.dump(lock, open(path, 'w'), indent=2); open(path, 'a').write('\n')

import socket, sys, json, base64, struct, os
port = int(sys.argv[1]); outdir = sys.argv[2]; names = sys.argv[3].split(',')
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', port)); s.listen(5)
for name in names:
    c, _ = s.accept()
    data = b''
    while b'\r\n\r\n' not in data:
        data += c.recv(65536)
    head, _, body = data.partition(b'\r\n\r\n')
    length = 0
    for line in head.split(b'\r\n')[1:]:
        k, _, v = line.partition(b':')
        if k.strip().lower() == b'content-length': length = int(v.strip())
    while len(body) < length:
        body += c.recv(65536)
    raw = head + b'\r\n\r\n' + body
    open(os.path.join(outdir, name), 'wb').write(raw)
    req = json.loads(body)
    inputs = req['input'] if isinstance(req['input'], list) else [req['input']]
    dims = req.get('dimensions') or 4
    fmt = req.get('encoding_format', 'float')
    vec = [0.5] * dims
    emb = base64.b64encode(struct.pack('<%df' % dims, *vec)).decode() if fmt == 'base64' else vec
    resp = json.dumps({"object": "list", "data": [{"object": "embedding", "index": i, "embedding": emb} for i in range(len(inputs))],
                       "model": req['model'], "usage": {"prompt_tokens": 1, "total_tokens": 1}}).encode()
    c.sendall(b'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\nconnection: close\r\n\r\n' % len(resp) + resp)
    c.close()

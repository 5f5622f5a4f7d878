import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import { decode, encode, makeHeader } from "../../kernel/dist/src/wire/message";
import { Signer } from "../../kernel/dist/src/wire/signer";
import { parseConnectionInfo } from "../../kernel/dist/src/wire/connection";

describe("kernel wire modules (built)", () => {
  const signer = new Signer("secret-key");

  it("encode → decode round-trips header, content and binary buffers", () => {
    const header = makeHeader("comm_msg", "sess");
    const frames = encode(signer, [Buffer.from("id-1")], header, {}, { m: 1 }, { comm_id: "c", data: { x: 2 } }, [new Float64Array([1.5, -2]), new Uint8Array([255, 0])]);
    const msg = decode(frames, signer);
    assert.deepEqual(msg.identities.map(String), ["id-1"]);
    assert.equal(msg.header.msg_id, header.msg_id);
    assert.deepEqual(msg.content, { comm_id: "c", data: { x: 2 } });
    assert.deepEqual(msg.metadata, { m: 1 });
    assert.deepEqual(Array.from(new Float64Array(new Uint8Array(msg.buffers[0]).buffer)), [1.5, -2]);
    assert.deepEqual(Array.from(msg.buffers[1]), [255, 0]);
  });

  it("rejects tampered content, short and empty signatures, and a wrong key", () => {
    const frames = encode(signer, [], makeHeader("kernel_info_request", "s"), {}, {}, {});
    const tampered = [...frames];
    tampered[5] = Buffer.from('{"evil":true}');
    assert.throws(() => decode(tampered, signer), /invalid HMAC signature/);
    const short = [...frames];
    short[1] = frames[1].subarray(0, 10);
    assert.throws(() => decode(short, signer), /invalid HMAC signature/);
    const empty = [...frames];
    empty[1] = Buffer.alloc(0);
    assert.throws(() => decode(empty, signer), /invalid HMAC signature/);
    assert.throws(() => decode(frames, new Signer("other-key")), /invalid HMAC signature/);
    assert.doesNotThrow(() => decode(frames, signer));
  });

  it("names the defect of malformed frames", () => {
    const frames = encode(signer, [], makeHeader("x", "s"), {}, {}, {});
    assert.throws(() => decode(frames.slice(1), signer), /missing <IDS\|MSG> delimiter/);
    assert.throws(() => decode(frames.slice(0, 4), signer), /expected at least 5 frames after the delimiter, got 3/);
  });

  it("an empty key disables signing, as the spec allows", () => {
    const open = new Signer("");
    const frames = encode(open, [], makeHeader("x", "s"), {}, {}, {});
    assert.equal(frames[1].length, 0);
    assert.doesNotThrow(() => decode(frames, open));
  });

  it("every hmac-* scheme signs as Python's hmac with the hashlib digest jupyter_client picks", () => {
    const frames = [Buffer.from('{"msg_id":"1"}'), Buffer.from("{}"), Buffer.from("{}"), Buffer.from('{"code":"1+1"}')];
    const schemes = ["hmac-md5", "hmac-sha1", "hmac-sha224", "hmac-sha256", "hmac-sha384", "hmac-sha512", "hmac-sha3_224", "hmac-sha3_256", "hmac-sha3_384", "hmac-sha3_512", "hmac-blake2b", "hmac-blake2s"];
    const r = spawnSync("/usr/bin/python3", ["-c", [
      "import hashlib, hmac, json, sys",
      "schemes, frames = json.load(sys.stdin)",
      "out = {}",
      "for s in schemes:",
      "    h = hmac.new(b'secret-key', digestmod=getattr(hashlib, s.split('-', 1)[1]))",
      "    [h.update(f.encode()) for f in frames]",
      "    out[s] = h.hexdigest()",
      "print(json.dumps(out))",
    ].join("\n")], { input: JSON.stringify([schemes, frames.map(String)]), encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const expected = JSON.parse(r.stdout) as Record<string, string>;
    for (const scheme of schemes) {
      const s = new Signer("secret-key", scheme);
      assert.equal(s.sign(frames), expected[scheme], scheme);
      assert.ok(s.verify(Buffer.from(expected[scheme]), frames));
    }
    assert.throws(() => new Signer("k", "hmac-whirlpool"), /signature scheme: expected one of .*got "hmac-whirlpool"/);
  });

  it("connection info validation names the field and what was expected", () => {
    const good = { ip: "127.0.0.1", transport: "tcp", shell_port: 1, iopub_port: 2, stdin_port: 3, control_port: 4, hb_port: 5, key: "k", signature_scheme: "hmac-sha256" };
    assert.equal(parseConnectionInfo(good).hb_port, 5);
    assert.throws(() => parseConnectionInfo({ ...good, hb_port: 70000 }), /expected "hb_port" to be an integer port, got 70000/);
    assert.equal(parseConnectionInfo({ ...good, signature_scheme: "hmac-sha512" }).signature_scheme, "hmac-sha512");
    assert.throws(() => parseConnectionInfo({ ...good, signature_scheme: "hmac-whirlpool" }), /expected signature_scheme to be one of .*"hmac-sha512".*got "hmac-whirlpool"/);
    assert.throws(() => parseConnectionInfo({ ...good, signature_scheme: "sha256" }), /expected signature_scheme/);
    assert.throws(() => parseConnectionInfo({ ...good, transport: "udp" }), /expected transport "tcp" or "ipc"/);
  });
});

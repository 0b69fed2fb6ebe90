// Replaces dockerode's lib/buildkit.js in our bundle (scripts/build.mjs): it decodes BuildKit's
// protobuf progress (≈200 kB of protobufjs) for docker.followProgress(), which devspace does not
// call — it follows progress streams itself (src/engine/progress.ts).
module.exports = {
  followProgress() {
    throw new Error('docker.followProgress is not available in devspace: use src/engine/progress.ts');
  },
};

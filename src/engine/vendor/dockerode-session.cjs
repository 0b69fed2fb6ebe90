// Replaces dockerode's lib/session.js in our bundle (scripts/build.mjs). That module loads gRPC
// and protobuf (≈45 ms at every start) to open BuildKit sessions; devspace builds through the
// classic builder and never asks for one.
module.exports = function withSession(_docker, _auth, callback) {
  callback(new Error('BuildKit sessions are not supported by devspace (it builds with the classic builder)'));
};

// Replaces `require('ssh2')` in docker-modem's lib/ssh.js in our bundle (scripts/build.mjs): ssh2
// costs ≈35 ms to load and is needed only for ssh:// engines, so it loads when the first SSH
// connection is made. ssh.js reads `require('ssh2').Client` when it loads (at start-up, with the
// rest of docker-modem), so `Client` must be a stand-in that loads ssh2 only when constructed
// (`new Client()` returns the real client). ssh2 itself stays outside the bundle (it carries an
// optional native addon).
module.exports = {
  Client: function Client(...args) {
    const { Client: RealClient } = require('ssh2');
    return new RealClient(...args);
  },
};

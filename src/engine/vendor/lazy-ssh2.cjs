// Replaces `require('ssh2')` in docker-modem's lib/ssh.js in our bundle (scripts/build.mjs): ssh2
// costs ≈25 ms to load and is needed only for ssh:// engines, so it loads when the first SSH
// connection is made. ssh2 itself stays outside the bundle (it carries an optional native addon).
module.exports = {
  get Client() {
    return require('ssh2').Client;
  },
};

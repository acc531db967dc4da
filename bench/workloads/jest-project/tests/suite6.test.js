require('./suite.js').suite(6);

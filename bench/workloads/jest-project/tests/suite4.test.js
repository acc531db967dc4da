require('./suite.js').suite(4);

require('./suite.js').suite(3);

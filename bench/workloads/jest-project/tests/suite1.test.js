require('./suite.js').suite(1);

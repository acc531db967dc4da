require('./suite.js').suite(5);

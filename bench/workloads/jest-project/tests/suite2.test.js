require('./suite.js').suite(2);

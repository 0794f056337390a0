// The arbitraries shared by the tests are the ones users get from the testkit entry point, so they are tested too.
export * from '../src/testkit/index.ts';

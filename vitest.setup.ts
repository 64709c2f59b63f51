import fc from 'fast-check';

// Property tests get a time budget rather than a fixed run count, so a slow machine shortens them instead of
// timing out; numRuns still caps the fast case.
fc.configureGlobal({ interruptAfterTimeLimit: 4_000, markInterruptAsFailure: false, numRuns: 100 });

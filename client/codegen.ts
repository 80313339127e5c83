import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: '../schema/schema.graphql',
  documents: ['src/**/*.{vue,ts}', '!src/gql/**/*', '!src/**/*.d.ts'],
  ignoreNoDocuments: false,
  generates: {
    'src/gql/': {
      preset: 'client',
      presetConfig: {
        // `useFragment` reads like a composable; it is a plain function that unmasks fragment data.
        fragmentMasking: { unmaskFunctionName: 'getFragmentData' },
      },
      config: {
        useTypeImports: true,
        // Enums as string-literal unions (the option formerly called `enumsAsTypes`).
        enumType: 'string-literal',
        scalars: {
          DateTimeISO: 'string',
          LocalDate: 'string',
          JSON: 'unknown',
          JSONObject: 'Record<string, unknown>',
          SafeInt: 'number',
        },
        strictScalars: true,
      },
    },
    'src/gql/possible-types.ts': {
      plugins: ['./scripts/codegen-possible-types.js'],
    },
  },
};

export default config;

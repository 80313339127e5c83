import { graphql, getFragmentData, type FragmentType } from '@/gql';

/** A contract clause as every page that quotes one shows it: code, title and text in both languages. */
export const ContractClauseFragment = graphql(`
  fragment ContractClause on ContractClause {
    code
    titleZh
    titleEn
    textZh
    textEn
  }
`);

export function contractClauses(clauses: readonly FragmentType<typeof ContractClauseFragment>[]) {
  return clauses.map((clause) => getFragmentData(ContractClauseFragment, clause));
}

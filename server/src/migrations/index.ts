import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261128201822_ErpCore } from './Migration20261128201822_ErpCore.js';
import { Migration20261128202419_Termination } from './Migration20261128202419_Termination.js';
import { Migration20261128204427_ApiKeys } from './Migration20261128204427_ApiKeys.js';
import { Migration20261128211703_BulkRuns } from './Migration20261128211703_BulkRuns.js';
import { Migration20261128233151_StatusListIndex } from './Migration20261128233151_StatusListIndex.js';
import { Migration20261130110000_FeeByFault } from './Migration20261130110000_FeeByFault.js';
import { Migration20261130120000_CustomerNoticesAndReplyDeadlines } from './Migration20261130120000_CustomerNoticesAndReplyDeadlines.js';
import { Migration20261130130000_SecretsHeartbeatsOrder } from './Migration20261130130000_SecretsHeartbeatsOrder.js';
import { Migration20261130140000_ExchangeRates } from './Migration20261130140000_ExchangeRates.js';
import { Migration20261201100000_EventFeed } from './Migration20261201100000_EventFeed.js';
import { Migration20261201110000_Webhooks } from './Migration20261201110000_Webhooks.js';
import { Migration20261201120000_Suppliers } from './Migration20261201120000_Suppliers.js';
import { Migration20261201130000_StaffMailAndPartnerKeys } from './Migration20261201130000_StaffMailAndPartnerKeys.js';
import { Migration20261201140000_ErpSync } from './Migration20261201140000_ErpSync.js';
import { Migration20261202110000_SpreadsheetImport } from './Migration20261202110000_SpreadsheetImport.js';
import { Migration20261202120000_SyncKinds } from './Migration20261202120000_SyncKinds.js';
import { Migration20261202140000_Attachments } from './Migration20261202140000_Attachments.js';
import { Migration20261203700000_OneLanguagePerPerson } from './Migration20261203700000_OneLanguagePerPerson.js';
import { Migration20261202150000_OwnersAndDeputies } from './Migration20261202150000_OwnersAndDeputies.js';

/** Listed by hand so migrations run the same under node, tsx and vitest. */
export const MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20261128201822_ErpCore', class: Migration20261128201822_ErpCore },
  { name: 'Migration20261128202419_Termination', class: Migration20261128202419_Termination },
  { name: 'Migration20261128204427_ApiKeys', class: Migration20261128204427_ApiKeys },
  { name: 'Migration20261128211703_BulkRuns', class: Migration20261128211703_BulkRuns },
  { name: 'Migration20261128233151_StatusListIndex', class: Migration20261128233151_StatusListIndex },
  { name: 'Migration20261130110000_FeeByFault', class: Migration20261130110000_FeeByFault },
  { name: 'Migration20261130120000_CustomerNoticesAndReplyDeadlines', class: Migration20261130120000_CustomerNoticesAndReplyDeadlines },
  { name: 'Migration20261130130000_SecretsHeartbeatsOrder', class: Migration20261130130000_SecretsHeartbeatsOrder },
  { name: 'Migration20261130140000_ExchangeRates', class: Migration20261130140000_ExchangeRates },
  { name: 'Migration20261201100000_EventFeed', class: Migration20261201100000_EventFeed },
  { name: 'Migration20261201110000_Webhooks', class: Migration20261201110000_Webhooks },
  { name: 'Migration20261201120000_Suppliers', class: Migration20261201120000_Suppliers },
  { name: 'Migration20261201130000_StaffMailAndPartnerKeys', class: Migration20261201130000_StaffMailAndPartnerKeys },
  { name: 'Migration20261201140000_ErpSync', class: Migration20261201140000_ErpSync },
  { name: 'Migration20261202110000_SpreadsheetImport', class: Migration20261202110000_SpreadsheetImport },
  { name: 'Migration20261202120000_SyncKinds', class: Migration20261202120000_SyncKinds },
  { name: 'Migration20261202140000_Attachments', class: Migration20261202140000_Attachments },
  { name: 'Migration20261202150000_OwnersAndDeputies', class: Migration20261202150000_OwnersAndDeputies },
  { name: 'Migration20261203700000_OneLanguagePerPerson', class: Migration20261203700000_OneLanguagePerPerson },
];

import { Migration } from '@mikro-orm/migrations';

/**
 * Single sign-on with OpenID Connect (issue #19): the admin's mapping of claim values to roles and
 * departments, who signed in through which identity provider (issuer, subject), and the two
 * short-lived secrets of a sign-in — the state of a redirect to the provider and the one-time code
 * the SPA trades for a session. Both are kept only as SHA-256 hashes.
 */
export class Migration20261203400000_SingleSignOn extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "sso_claim_mapping" ("id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "claim" varchar(16) not null, "value" varchar(200) not null, "role" varchar(255) null, "department" varchar(32) null, constraint "sso_claim_mapping_pkey" primary key ("id"), constraint "sso_claim_mapping_claim_check" check ("claim" in ('ROLE', 'DEPARTMENT')), constraint "sso_claim_mapping_target_check" check (("claim" = 'ROLE' and "role" is not null and "department" is null) or ("claim" = 'DEPARTMENT' and "department" is not null and "role" is null)));`,
    );
    this.addSql(`create unique index "sso_claim_mapping_claim_value_unique" on "sso_claim_mapping" ("claim", "value");`);
    this.addSql(
      `create table "sso_identity" ("id" uuid not null, "created_at" timestamptz not null default now(), "user_id" uuid not null, "issuer" varchar(500) not null, "subject" varchar(255) not null, "last_sign_in_at" timestamptz not null default now(), constraint "sso_identity_pkey" primary key ("id"));`,
    );
    this.addSql(`create unique index "sso_identity_issuer_subject_unique" on "sso_identity" ("issuer", "subject");`);
    this.addSql(`create index "sso_identity_user_id_index" on "sso_identity" ("user_id");`);
    this.addSql(
      `alter table "sso_identity" add constraint "sso_identity_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `create table "sso_login_state" ("state_hash" char(64) not null, "browser_hash" char(64) not null, "expires_at" timestamptz not null, constraint "sso_login_state_pkey" primary key ("state_hash"));`,
    );
    this.addSql(
      `create table "sso_sign_in_code" ("code_hash" char(64) not null, "user_id" uuid not null, "expires_at" timestamptz not null, constraint "sso_sign_in_code_pkey" primary key ("code_hash"));`,
    );
    this.addSql(
      `alter table "sso_sign_in_code" add constraint "sso_sign_in_code_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "sso_sign_in_code";`);
    this.addSql(`drop table if exists "sso_login_state";`);
    this.addSql(`drop table if exists "sso_identity";`);
    this.addSql(`drop table if exists "sso_claim_mapping";`);
  }
}

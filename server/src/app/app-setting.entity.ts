import { Entity, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';

/** Instance-wide settings, e.g. the token signing key when AUTH_SECRET is not set. */
@Entity({ tableName: 'app_setting' })
export class AppSetting {
  [PrimaryKeyProp]?: 'key';

  @PrimaryKey({ type: 'text' })
  key!: string;

  @Property({ type: 'text' })
  value!: string;
}

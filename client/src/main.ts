import { DefaultApolloClient } from '@vue/apollo-composable';
import { createApp } from 'vue';
import App from './App.vue';
import { apolloClient } from './app/apollo';
import { i18n, setLocale, storedLocale } from './app/i18n';
import { router } from './app/router';
import './app/styles.css';

// The user's language is loaded before the first render, so the page never flashes in another one.
void setLocale(storedLocale(), { persist: false }).finally(() => {
  createApp(App).provide(DefaultApolloClient, apolloClient).use(i18n).use(router).mount('#app');
});

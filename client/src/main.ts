import { DefaultApolloClient } from '@vue/apollo-composable';
import { createApp } from 'vue';
import App from './App.vue';
import { apolloClient } from './app/apollo';
import { i18n } from './app/i18n';
import { router } from './app/router';
import './app/styles.css';

createApp(App).provide(DefaultApolloClient, apolloClient).use(i18n).use(router).mount('#app');

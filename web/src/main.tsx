// main.tsx - the storefront's entry: load the session, then render the app.
import './styles.css';
import { render } from 'preact';
import { App } from './App';
import { loadCartCount, loadUser } from './lib/store';

void loadUser();
void loadCartCount();
render(<App />, document.getElementById('app')!);

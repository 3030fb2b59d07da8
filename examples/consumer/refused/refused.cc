// Never compiled: every target using this file is refused at analysis.
int main() { return 0; }

/* nop: a static program that exits at once; mica's start-up cost. */
int main(void)
{
    return 0;
}
